using System.Runtime.InteropServices;
using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// A loaded BPF program (its descriptor, closed by Dispose or the finalizer). Loading runs the kernel's
/// verifier; when it refuses the program the load is repeated with the verifier log (log_level 1) so that the
/// error says which instruction and why. The type and expected attach type fix what the program may read and
/// call; BTF-typed programs (tp_btf, fentry, fexit, iterators) also name their target by BTF id, in vmlinux or
/// in a module's BTF object.
/// </summary>
internal sealed unsafe class BpfProgram : IDisposable
{
    // Tracing helpers such as bpf_probe_read_kernel are GPL-only: the kernel wants a GPL-compatible license.
    private const string License = "Dual MIT/GPL";
    private const int LogSize = 1 << 20;

    private BpfProgram(string name, SafeFileDescriptor fd, int instructionCount, BpfProgramType type, BpfAttachType? attachType, int attachBtfId)
    {
        Name = name;
        Fd = fd;
        InstructionCount = instructionCount;
        Type = type;
        AttachType = attachType;
        AttachBtfId = attachBtfId;
    }

    public string Name { get; }

    public SafeFileDescriptor Fd { get; }

    public int InstructionCount { get; }

    public BpfProgramType Type { get; }

    /// <summary>The expected attach type given at load time, if any.</summary>
    public BpfAttachType? AttachType { get; }

    /// <summary>The BTF id of the target (tracepoint typedef, function), 0 for untyped programs.</summary>
    public int AttachBtfId { get; }

    /// <summary>The program's kernel-wide id (what bpftool prog show lists).</summary>
    public uint Id => BpfObjectId.Of(Fd);

    /// <summary>A raw tracepoint program: arguments as u64s, no tracefs needed (Linux 4.17).</summary>
    public static BpfProgram LoadRawTracepoint(string name, ReadOnlySpan<BpfInstruction> code) =>
        Load(name, BpfProgramType.RawTracepoint, code);

    /// <summary>A classic tracepoint program, attached through a perf event (<see cref="PerfEventLink"/>).</summary>
    public static BpfProgram LoadTracepoint(string name, ReadOnlySpan<BpfInstruction> code) =>
        Load(name, BpfProgramType.Tracepoint, code);

    /// <summary>A kprobe program (also kretprobe and uprobe); with <paramref name="multi"/> one for a kprobe-multi link.</summary>
    public static BpfProgram LoadKprobe(string name, ReadOnlySpan<BpfInstruction> code, bool multi = false) =>
        Load(name, BpfProgramType.Kprobe, code, multi ? BpfAttachType.TraceKprobeMulti : null);

    /// <summary>A BTF-typed program: tp_btf (<see cref="BpfAttachType.TraceRawTracepoint"/>, the id of the
    /// tracepoint's <c>btf_trace_*</c> typedef), fentry/fexit (the function's FUNC id) or an iterator (the FUNC id of
    /// <c>bpf_iter_*</c>). <paramref name="module"/> names the BTF object the id belongs to, when not vmlinux.</summary>
    public static BpfProgram LoadTracing(string name, ReadOnlySpan<BpfInstruction> code, BpfAttachType attachType, int btfId,
        KernelBtfObject? module = null) =>
        Load(name, BpfProgramType.Tracing, code, attachType, btfId, module);

    /// <summary>Loads a program. Throws <see cref="BpfProgramRejectedException"/> with the verifier's log when the
    /// kernel refuses it.</summary>
    public static BpfProgram Load(string name, BpfProgramType type, ReadOnlySpan<BpfInstruction> code,
        BpfAttachType? attachType = null, int attachBtfId = 0, KernelBtfObject? module = null)
    {
        var added = false;
        try
        {
            module?.Fd.DangerousAddRef(ref added);
            var target = new Target(type, attachType, attachBtfId, module is null ? 0 : module.Fd.Value);
            var fd = TryLoad(name, code, target, null, 0);
            if (fd >= 0)
                return new BpfProgram(name, new SafeFileDescriptor(fd), code.Length, type, attachType, attachBtfId);
            var errno = Libc.LastErrno;
            string log = "";
            if (errno is not (Errno.EPERM or Errno.ENOSYS))
            {
                // Again with the log: it costs time only when something is wrong.
                var buffer = (byte*)NativeMemory.AllocZeroed(LogSize);
                try
                {
                    fd = TryLoad(name, code, target, buffer, LogSize);
                    if (fd >= 0)
                        return new BpfProgram(name, new SafeFileDescriptor(fd), code.Length, type, attachType, attachBtfId); // passed this time: keep it
                    log = Marshal.PtrToStringUTF8((nint)buffer) ?? "";
                }
                finally
                {
                    NativeMemory.Free(buffer);
                }
            }
            throw new BpfProgramRejectedException(name, errno, log.Trim());
        }
        finally
        {
            if (added)
                module!.Fd.DangerousRelease();
        }
    }

    public void Dispose() => Fd.Dispose();

    public override string ToString() => $"{Type} program {Name} ({InstructionCount} instructions)";

    /// <summary>LINUX_VERSION_CODE of the running kernel: major &lt;&lt; 16 | minor &lt;&lt; 8 | patch (at most 255).</summary>
    private static uint KernelVersionCode
    {
        get
        {
            var v = Environment.OSVersion.Version;
            return (uint)((v.Major << 16) | (v.Minor << 8) | Math.Clamp(v.Build, 0, 255));
        }
    }

    private readonly record struct Target(BpfProgramType Type, BpfAttachType? AttachType, int BtfId, int BtfObjectFd);

    private static int TryLoad(string name, ReadOnlySpan<BpfInstruction> code, Target target, byte* log, int logSize)
    {
        var license = Encoding.ASCII.GetBytes(License + "\0");
        fixed (BpfInstruction* insns = code)
        fixed (byte* licenseBytes = license)
        {
            Libc.BpfProgLoadAttr attr = default;
            attr.ProgType = (uint)target.Type;
            attr.ExpectedAttachType = (uint)(target.AttachType ?? 0);
            attr.AttachBtfId = (uint)target.BtfId;
            attr.AttachBtfObjectFd = (uint)target.BtfObjectFd; // 0: vmlinux
            if (target.Type == BpfProgramType.Kprobe)
                attr.KernelVersion = KernelVersionCode; // checked for kprobe programs before Linux 5.0
            attr.InsnCount = (uint)code.Length;
            attr.Insns = (ulong)insns;
            attr.License = (ulong)licenseBytes;
            attr.LogLevel = log == null ? 0u : 1u;
            attr.LogSize = (uint)logSize;
            attr.LogBuffer = (ulong)log;
            BpfObjectName.Write(attr.ProgName, name);
            return Libc.Bpf(Libc.BPF_PROG_LOAD, &attr);
        }
    }
}
