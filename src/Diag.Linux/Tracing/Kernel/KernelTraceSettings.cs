using Diag.Linux.Bpf;
namespace Diag.Linux.Tracing.Kernel;

/// <summary>
/// What the kernel programs of one trace do, fixed when they are generated: the target id is an immediate
/// of the filter, so each trace loads its own programs.
/// </summary>
internal sealed record KernelTraceSettings
{
    /// <summary>The thread group id to trace, or the thread id when <see cref="ThreadTarget"/>.</summary>
    public required int TargetId { get; init; }

    /// <summary>Filter on the thread id (one thread) instead of the thread group id (a whole process).</summary>
    public bool ThreadTarget { get; init; }

    /// <summary>Time each call (sys_enter and sys_exit programs) and keep a histogram; otherwise count only (sys_exit).</summary>
    public bool MeasureLatency { get; init; } = true;

    /// <summary>Follow new processes: a sched_process_fork program adds each child of a traced task to the traced set.</summary>
    public bool FollowForks { get; init; }

    /// <summary>Count per thread (the statistics are keyed by thread group, thread and syscall).</summary>
    public bool ByThread { get; init; }

    /// <summary>Count only the syscalls marked in the selection map.</summary>
    public bool Selective { get; init; }

    /// <summary>bpf_probe_read_kernel (Linux 5.5), or bpf_probe_read before it.</summary>
    public BpfHelper ProbeRead { get; init; } = BpfHelper.ProbeReadKernel;

    /// <summary>Offset of <c>tgid</c> in <c>struct task_struct</c> (from the kernel's BTF), for <see cref="FollowForks"/>.</summary>
    public int TaskTgidOffset { get; init; }

    /// <summary>BTF id of <c>btf_trace_sys_exit</c>: when set, the counting sys_exit program is BTF-typed (tp_btf)
    /// and reads the syscall number from regs->orig_ax with a plain load instead of bpf_probe_read_kernel,
    /// which costs about a quarter of its time. 0: a plain raw tracepoint program.</summary>
    public int SysExitBtfId { get; init; }

    /// <summary>Offset of <c>exit_code</c> in <c>struct task_struct</c> (from the kernel's BTF); 0 when unknown.</summary>
    public int TaskExitCodeOffset { get; init; }

    /// <summary>Record the exit status of the target process (a sched_process_exit program): an attached
    /// process is not our child, so waitpid cannot give it.</summary>
    public bool WatchExit { get; init; }

    /// <summary>Statistics in a hash keyed by process (and thread) instead of a per-CPU array keyed by syscall:
    /// needed when the rows name more than the one target.</summary>
    public bool Keyed => FollowForks || ByThread;
}

/// <summary>The value the programs keep per syscall (and per process or thread when keyed): u64 fields.</summary>
internal static class SyscallStatsLayout
{
    /// <summary>Syscall numbers 0..511 are counted (x86_64 has about 470); others are ignored.</summary>
    public const int MaxSyscalls = 512;

    public const short Calls = 0, Errors = 8, TotalNanoseconds = 16, MaxNanoseconds = 24, Histogram = 32;

    /// <summary>log2 buckets of nanoseconds: bucket 0 is [0, 2), bucket k is [2^k, 2^(k+1)), the last is open-ended (≥ 2^39 ns, about 9 minutes).</summary>
    public const int Buckets = LatencyBucket.BucketCount;

    public static int ValueSize(bool latency) => latency ? Histogram + Buckets * 8 : Errors + 8;

    /// <summary><c>struct pt_regs</c> on x86_64: r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ...:
    /// orig_ax (the syscall number, kept through the call) is the 16th u64.</summary>
    public const short PtRegsOrigAx = 15 * 8;

    // Syscall numbers the programs know about (x86_64).
    public const int SysFork = 57, SysVfork = 58, SysClone = 56, SysClone3 = 435, SysExit = 60, SysExitGroup = 231,
        SysExecve = 59, SysExecveat = 322;

    /// <summary>Indexes of the per-CPU "lost" counters: updates the programs could not make because a map was full.</summary>
    public const int LostStats = 0, LostErrors = 1, LostFollow = 2, LostEntries = 3, LostSlots = 4;
}
