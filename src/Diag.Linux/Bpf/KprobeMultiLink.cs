using System.Runtime.InteropServices;
using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// One kprobe program on many kernel functions with one link (BPF_TRACE_KPROBE_MULTI, Linux 5.18, on fprobe:
/// CONFIG_FPROBE): attaching a hundred functions costs one system call and one ftrace update instead of a
/// hundred perf events. The program is loaded with <see cref="BpfProgram.LoadKprobe"/> (multi).
/// </summary>
internal sealed unsafe class KprobeMultiLink : BpfLink
{
    private KprobeMultiLink(string target, SafeFileDescriptor fd, int count) : base(target, fd) => FunctionCount = count;

    public int FunctionCount { get; }

    /// <summary>Attaches to each of <paramref name="functions"/> (by name; the kernel resolves them through
    /// kallsyms), at their entry or, with <paramref name="retprobe"/>, their return. Throws the
    /// <see cref="SyscallException"/> of bpf(BPF_LINK_CREATE): EOPNOTSUPP when the kernel has no fprobe, EINVAL
    /// before 5.18, ENOENT or ESRCH for a function it does not know.</summary>
    public static KprobeMultiLink Attach(BpfProgram program, IReadOnlyList<string> functions, bool retprobe = false)
    {
        if (program.AttachType != BpfAttachType.TraceKprobeMulti)
            throw new ArgumentException($"{program.Name} was not loaded for a kprobe-multi link", nameof(program));
        if (functions.Count == 0)
            throw new ArgumentException("no function to attach to", nameof(functions));
        var target = $"{(retprobe ? "kretprobe-multi" : "kprobe-multi")} {Describe(functions)}";
        var names = new nint[functions.Count];
        try
        {
            for (var i = 0; i < functions.Count; i++)
                names[i] = Marshal.StringToCoTaskMemUTF8(functions[i]);
            fixed (nint* symbols = names)
            {
                Libc.BpfLinkCreateAttr attr = default;
                attr.KprobeMultiFlags = retprobe ? Libc.BPF_F_KPROBE_MULTI_RETURN : 0;
                attr.KprobeMultiCount = (uint)functions.Count;
                attr.KprobeMultiSymbols = (ulong)symbols;
                var fd = Create(program, 0, BpfAttachType.TraceKprobeMulti, attr);
                return new KprobeMultiLink(target, SafeFileDescriptor.FromResult(fd, "bpf(BPF_LINK_CREATE)", target), functions.Count);
            }
        }
        finally
        {
            foreach (var name in names)
                Marshal.FreeCoTaskMem(name);
        }
    }

    internal static string Describe(IReadOnlyList<string> functions) =>
        functions.Count <= 3 ? string.Join(", ", functions) : $"{functions[0]}, {functions[1]} and {functions.Count - 2} more";
}
