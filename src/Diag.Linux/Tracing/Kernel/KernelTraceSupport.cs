using System.Runtime.InteropServices;
using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;
using Diag.Linux.Ptrace;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>
/// What the kernel backend needs before it touches bpf(): x86_64, Linux 4.17+ (raw tracepoints), the host's
/// PID namespace (the programs see host process ids), the kernel's BTF to follow forks, and a trace that
/// wants a summary, not events. Each missing piece is a <see cref="TargetException"/> with reason
/// <see cref="TargetFailureReason.Unsupported"/> that says what is missing.
/// </summary>
internal static class KernelTraceSupport
{
    /// <summary>The inode of the initial PID namespace (PROC_PID_INIT_INO), the same on every Linux.</summary>
    private const string InitialPidNamespace = "pid:[4026531836]";

    /// <summary>Read once: the running kernel's layout does not change.</summary>
    private static readonly Lazy<(int? Tgid, int? ExitCode, int? SysExit)> TaskOffsets = new(() =>
        KernelBtf.Vmlinux is { } btf
            ? (btf.Field("task_struct", "tgid")?.ByteOffset, btf.Field("task_struct", "exit_code")?.ByteOffset,
                btf.TypedefId("btf_trace_sys_exit") is var sysExit and > 0 ? sysExit : null)
            : (null, null, null));

    private static readonly Version RawTracepoints = new(4, 17), ProbeReadKernel = new(5, 5), MemcgAccounting = new(5, 11);

    /// <summary>Count with the BTF-typed sys_exit program where possible (tests turn it off to exercise the plain one).</summary>
    internal static bool UseTypedSysExit { get; set; } = true;

    /// <summary>The BTF id of btf_trace_sys_exit, for tests.</summary>
    internal static int? SysExitBtfId => TaskOffsets.Value.SysExit;

    /// <summary>The running kernel's version (from uname).</summary>
    public static Version KernelVersion => Environment.OSVersion.Version;

    /// <summary>Kernels before 5.11 charge BPF maps to RLIMIT_MEMLOCK instead of the memory cgroup.</summary>
    public static bool ChargesMemlock => KernelVersion < MemcgAccounting;

    /// <summary>Throws when this machine or request cannot use the kernel backend; returns the kernel-dependent
    /// settings otherwise (the target id is filled in later).</summary>
    public static KernelTraceSettings Check(TraceOptions options, bool measureLatency)
    {
        if (options.CollectEvents)
            throw Unsupported("the kernel backend counts calls in the kernel and cannot produce events: decoded arguments need the tracee's memory, which only ptrace reads",
                "trace events with the ptrace backend (-Backend Ptrace or Auto)");
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            throw Unsupported($"the kernel backend's programs are written for x86_64, not {RuntimeInformation.ProcessArchitecture}",
                "use the ptrace backend (-Backend Ptrace)");
        if (KernelVersion < RawTracepoints)
            throw Unsupported($"the kernel ({KernelVersion}) is older than 4.17 and has no raw tracepoints",
                "use the ptrace backend (-Backend Ptrace)");
        if (!InInitialPidNamespace())
            throw Unsupported("this process runs in a PID namespace of its own (a container): kernel programs see the host's process ids, which differ from the ones here",
                "run Diag on the host (it sees the container's processes too), or use the ptrace backend (-Backend Ptrace)");
        var settings = new KernelTraceSettings
        {
            TargetId = 0,
            MeasureLatency = measureLatency,
            ByThread = options.ByThread,
            Selective = options.Syscalls is not null,
            FollowForks = options.FollowForks,
            ProbeRead = KernelVersion >= ProbeReadKernel ? BpfHelper.ProbeReadKernel : BpfHelper.ProbeRead,
        };
        if (!measureLatency && UseTypedSysExit && KernelVersion >= ProbeReadKernel && TaskOffsets.Value.SysExit is { } sysExit)
            settings = settings with { SysExitBtfId = sysExit }; // tp_btf came with 5.5 too
        if (options.FollowForks)
        {
            var offset = TaskOffsets.Value.Tgid
                ?? throw Unsupported($"following forks in the kernel needs the kernel's type information, which {KernelBtf.Problem ?? "has no task_struct.tgid"}",
                    "use the ptrace backend (-Backend Ptrace) to follow forks");
            settings = settings with { TaskTgidOffset = offset };
        }
        return settings;
    }

    /// <summary>With the kernel's BTF, a process trace also records its target's exit status.</summary>
    public static KernelTraceSettings WatchingExit(KernelTraceSettings settings) =>
        TaskOffsets.Value.ExitCode is { } offset ? settings with { WatchExit = true, TaskExitCodeOffset = offset } : settings;

    /// <summary>A 32-bit (i386) program makes i386 syscalls, whose numbers differ; the programs count x86_64 numbers.</summary>
    public static void CheckNotThirtyTwoBit(string executable, int? pid)
    {
        Span<byte> header = stackalloc byte[5];
        try
        {
            using var file = File.OpenRead(executable);
            if (file.ReadAtLeast(header, 5, throwOnEndOfStream: false) < 5)
                return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // unreadable or gone: whoever starts the trace finds out
        }
        if (header[0] == 0x7f && header[1] == (byte)'E' && header[2] == (byte)'L' && header[3] == (byte)'F' && header[4] == 1)
            throw new TargetException(TargetFailureReason.Unsupported, pid,
                $"'{executable}' is a 32-bit program: the kernel backend counts x86_64 system calls only",
                "use the ptrace backend (-Backend Ptrace)");
    }

    public static bool InInitialPidNamespace()
    {
        try
        {
            return new FileInfo("/proc/self/ns/pid").LinkTarget == InitialPidNamespace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The effective capability set of the calling thread.</summary>
    public static ulong EffectiveCapabilities() => Capabilities.EffectiveOfThisThread();

    public const int CapSysAdmin = Capabilities.CapSysAdmin, CapPerfmon = Capabilities.CapPerfmon, CapBpf = Capabilities.CapBpf;

    public static bool Has(ulong capabilities, int capability) => Capabilities.Has(capabilities, capability);

    /// <summary>Why the kernel backend may be used, for the one-line reason of the backend choice.</summary>
    public static string PrivilegeDescription()
    {
        var caps = EffectiveCapabilities();
        if (Libc.GetEffectiveUserId() == 0 && Has(caps, CapSysAdmin))
            return "root";
        if (Has(caps, CapBpf) && Has(caps, CapPerfmon))
            return "CAP_BPF and CAP_PERFMON";
        return Has(caps, CapSysAdmin) ? "CAP_SYS_ADMIN" : "bpf() allowed";
    }

    /// <summary>Raises the soft RLIMIT_MEMLOCK to the hard limit (before Linux 5.11 maps count against it);
    /// true when it changed.</summary>
    public static unsafe bool RaiseMemlockLimit()
    {
        Libc.ResourceLimit limit;
        if (Libc.GetResourceLimit(Libc.RLIMIT_MEMLOCK, &limit) != 0 || limit.Current == limit.Maximum)
            return false;
        limit.Current = limit.Maximum;
        return Libc.SetResourceLimit(Libc.RLIMIT_MEMLOCK, &limit) == 0;
    }

    private static TargetException Unsupported(string message, string remedy) =>
        new(TargetFailureReason.Unsupported, null, message, remedy);
}
