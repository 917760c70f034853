using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>A program attached to a raw tracepoint (BPF_RAW_TRACEPOINT_OPEN, Linux 4.17), plain or BTF-typed
/// (tp_btf, Linux 5.5). Raw tracepoints need no tracefs and no perf event.</summary>
internal sealed unsafe class RawTracepointLink : BpfLink
{
    private RawTracepointLink(string tracepoint, string target, SafeFileDescriptor fd) : base(target, fd) => Tracepoint = tracepoint;

    /// <summary>The tracepoint's name, e.g. sys_exit.</summary>
    public string Tracepoint { get; }

    /// <summary>Attaches a raw tracepoint program to <paramref name="tracepoint"/> (its name without category).</summary>
    public static RawTracepointLink Attach(BpfProgram program, string tracepoint)
    {
        var name = Encoding.ASCII.GetBytes(tracepoint + "\0");
        fixed (byte* n = name)
            return Open(program, tracepoint, "raw_tracepoint " + tracepoint, (ulong)n);
    }

    /// <summary>Attaches a tp_btf program (loaded with <see cref="BpfAttachType.TraceRawTracepoint"/>): the kernel
    /// finds the tracepoint from the program's BTF id; <paramref name="tracepoint"/> is for messages.</summary>
    public static RawTracepointLink AttachBtf(BpfProgram program, string tracepoint) =>
        Open(program, tracepoint, "tp_btf " + tracepoint, 0);

    private static RawTracepointLink Open(BpfProgram program, string tracepoint, string target, ulong name)
    {
        Libc.BpfRawTracepointAttr attr = default;
        attr.Name = name;
        attr.ProgFd = (uint)program.Fd.Value;
        var fd = SafeFileDescriptor.FromResult(Libc.Bpf(Libc.BPF_RAW_TRACEPOINT_OPEN, &attr), "bpf(BPF_RAW_TRACEPOINT_OPEN)", "tracepoint " + tracepoint);
        return new RawTracepointLink(tracepoint, target, fd);
    }
}
