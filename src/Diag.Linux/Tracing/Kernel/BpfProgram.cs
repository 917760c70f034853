using System.Runtime.InteropServices;
using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>
/// A loaded BPF program (its fd). Loading runs the kernel's verifier; when it refuses the program the
/// load is repeated with the verifier log (log_level 1) so that the error says which instruction and why.
/// </summary>
internal sealed unsafe class BpfProgram : IDisposable
{
    // Tracing helpers such as bpf_probe_read_kernel are GPL-only: the kernel wants a GPL-compatible license.
    private const string License = "Dual MIT/GPL";
    private const int LogSize = 1 << 20;

    private BpfProgram(string name, int fd, int instructionCount)
    {
        Name = name;
        Fd = fd;
        InstructionCount = instructionCount;
    }

    public string Name { get; }

    public int Fd { get; private set; }

    public int InstructionCount { get; }

    /// <summary>Loads a raw tracepoint program; with <paramref name="tracepointBtfId"/> (the kernel BTF id of
    /// the tracepoint's <c>btf_trace_*</c> type) a BTF-typed one (tp_btf, Linux 5.5), whose pointer arguments
    /// may be read directly. Throws <see cref="BpfProgramRejectedException"/> with the verifier's log when
    /// the kernel refuses it.</summary>
    public static BpfProgram Load(string name, ReadOnlySpan<BpfInstruction> code, int tracepointBtfId = 0)
    {
        var fd = TryLoad(name, code, tracepointBtfId, null, 0);
        if (fd >= 0)
            return new BpfProgram(name, fd, code.Length);
        var errno = Libc.LastErrno;
        string log = "";
        if (errno is not (Errno.EPERM or Errno.ENOSYS))
        {
            // Again with the log: it costs time only when something is wrong.
            var buffer = (byte*)NativeMemory.AllocZeroed(LogSize);
            try
            {
                fd = TryLoad(name, code, tracepointBtfId, buffer, LogSize);
                if (fd >= 0)
                    return new BpfProgram(name, fd, code.Length); // passed this time: keep it
                log = Marshal.PtrToStringUTF8((nint)buffer) ?? "";
            }
            finally
            {
                NativeMemory.Free(buffer);
            }
        }
        throw new BpfProgramRejectedException(name, errno, log.Trim());
    }

    public void Dispose()
    {
        if (Fd >= 0)
            Libc.Close(Fd);
        Fd = -1;
    }

    private static int TryLoad(string name, ReadOnlySpan<BpfInstruction> code, int tracepointBtfId, byte* log, int logSize)
    {
        var license = Encoding.ASCII.GetBytes(License + "\0");
        fixed (BpfInstruction* insns = code)
        fixed (byte* licenseBytes = license)
        {
            Libc.BpfProgLoadAttr attr = default;
            attr.ProgType = tracepointBtfId == 0 ? Libc.BPF_PROG_TYPE_RAW_TRACEPOINT : Libc.BPF_PROG_TYPE_TRACING;
            if (tracepointBtfId != 0)
            {
                attr.ExpectedAttachType = Libc.BPF_TRACE_RAW_TP;
                attr.AttachBtfId = (uint)tracepointBtfId; // in vmlinux (object fd 0)
            }
            attr.InsnCount = (uint)code.Length;
            attr.Insns = (ulong)insns;
            attr.License = (ulong)licenseBytes;
            attr.LogLevel = log == null ? 0u : 1u;
            attr.LogSize = (uint)logSize;
            attr.LogBuffer = (ulong)log;
            BpfMap.WriteName(attr.ProgName, name);
            return Libc.Bpf(Libc.BPF_PROG_LOAD, &attr);
        }
    }
}

/// <summary>bpf(BPF_PROG_LOAD) failed; <see cref="VerifierLog"/> holds what the verifier said, if anything.</summary>
internal sealed class BpfProgramRejectedException : SyscallException
{
    public BpfProgramRejectedException(string program, int errno, string verifierLog)
        : base("bpf(BPF_PROG_LOAD)", errno, "program " + program + (verifierLog.Length > 0 ? ": " + LastLines(verifierLog, 12) : ""))
    {
        Program = program;
        VerifierLog = verifierLog;
    }

    public string Program { get; }

    /// <summary>The whole verifier log (log_level 1), empty when the kernel gave none.</summary>
    public string VerifierLog { get; }

    /// <summary>The verifier states its reason last; the lines before say where.</summary>
    private static string LastLines(string log, int count)
    {
        var lines = log.Split('\n');
        return string.Join('\n', lines[Math.Max(0, lines.Length - count)..]);
    }
}

/// <summary>A program attached to a raw tracepoint (BPF_RAW_TRACEPOINT_OPEN, Linux 4.17): attached while
/// the fd is open. Raw tracepoints need no tracefs and no perf event.</summary>
internal sealed unsafe class RawTracepointLink : IDisposable
{
    private RawTracepointLink(string tracepoint, int fd)
    {
        Tracepoint = tracepoint;
        Fd = fd;
    }

    public string Tracepoint { get; }

    public int Fd { get; private set; }

    /// <summary>Attaches to <paramref name="tracepoint"/>; a BTF-typed program names its tracepoint by BTF id
    /// instead (<paramref name="typed"/>: the name is only for messages).</summary>
    public static RawTracepointLink Attach(string tracepoint, BpfProgram program, bool typed = false)
    {
        var name = Encoding.ASCII.GetBytes(tracepoint + "\0");
        fixed (byte* n = name)
        {
            Libc.BpfRawTracepointAttr attr = default;
            attr.Name = typed ? 0 : (ulong)n;
            attr.ProgFd = (uint)program.Fd;
            var fd = Libc.Bpf(Libc.BPF_RAW_TRACEPOINT_OPEN, &attr);
            if (fd < 0)
                throw SyscallException.FromLastError("bpf(BPF_RAW_TRACEPOINT_OPEN)", "tracepoint " + tracepoint);
            return new RawTracepointLink(tracepoint, fd);
        }
    }

    /// <summary>Detaches: the program no longer runs once the kernel's RCU grace period ends.</summary>
    public void Dispose()
    {
        if (Fd >= 0)
            Libc.Close(Fd);
        Fd = -1;
    }
}
