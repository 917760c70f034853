namespace Diag.Linux.Threads;

/// <summary>
/// One thread's CPU use over one sampling interval: a row of <c>top -H</c>, with what top cannot show
/// (the system call the thread is blocked in, its IDs inside its PID namespace, nanosecond run time).
/// Immutable and made of primitives only, so it survives PowerShell remoting.
/// </summary>
public sealed record ThreadCpuSample
{
    /// <summary>Process (thread group) ID, as the host sees it.</summary>
    public int ProcessId { get; init; }

    /// <summary>Process name: its comm, or the untruncated executable name when comm is cut at 15 characters (as Get-Process).</summary>
    public string ProcessName { get; init; } = "";

    /// <summary>Thread ID (TID), as the host sees it.</summary>
    public int ThreadId { get; init; }

    /// <summary>Thread name (comm, at most 15 characters, set by pthread_setname_np or prctl).</summary>
    public string ThreadName { get; init; } = "";

    /// <summary>Share of ONE CPU the thread used over <see cref="Interval"/>, as top's %CPU (100 = one core busy).
    /// From nanosecond run time when <see cref="CpuTimeSource"/> is Schedstat or Taskstats.</summary>
    public double CpuPercent { get; init; }

    /// <summary>Share of one CPU spent in user mode: from taskstats' ac_utime (µs, sampled at each scheduler
    /// tick) when <see cref="CpuTimeSource"/> is Taskstats, else from stat's utime clock ticks (10 ms resolution).</summary>
    public double UserPercent { get; init; }

    /// <summary>Share of one CPU spent in the kernel: from taskstats' ac_stime when <see cref="CpuTimeSource"/> is
    /// Taskstats, else from stat's stime clock ticks (10 ms resolution).</summary>
    public double SystemPercent { get; init; }

    /// <summary>Total CPU time the thread has used since it started (top's TIME+).</summary>
    public TimeSpan CpuTime { get; init; }

    /// <summary>Where CpuPercent and CpuTime come from.</summary>
    public CpuTimeSource CpuTimeSource { get; init; }

    /// <summary>Scheduler state at the end of the interval.</summary>
    public ThreadState State { get; init; }

    /// <summary>The CPU the thread last ran on.</summary>
    public int Processor { get; init; }

    /// <summary>Kernel priority as top's PR (20 + nice for normal threads; negative for real-time).</summary>
    public int Priority { get; init; }

    /// <summary>Nice value (-20..19).</summary>
    public int Nice { get; init; }

    /// <summary>The system call the thread was blocked in at the end of the interval (e.g. <c>recvfrom</c>,
    /// <c>futex</c>); <c>running</c> when it was on a CPU at that instant (the kernel cannot tell then);
    /// <c>user</c> when it was off-CPU outside any system call; null when not permitted to read.</summary>
    public string? CurrentSyscall { get; init; }

    /// <summary>Number of <see cref="CurrentSyscall"/>; -1 for <c>user</c>; null for <c>running</c> or unreadable.</summary>
    public int? CurrentSyscallNumber { get; init; }

    /// <summary>Kernel function the thread sleeps in (<c>/proc/…/wchan</c>); null when running, unknown or unreadable.</summary>
    public string? WaitChannel { get; init; }

    /// <summary>Voluntary context switches (the thread blocked) during the interval.</summary>
    public long VoluntaryContextSwitches { get; init; }

    /// <summary>Involuntary context switches (the thread was preempted) during the interval.</summary>
    public long InvoluntaryContextSwitches { get; init; }

    /// <summary>Minor page faults during the interval.</summary>
    public long MinorFaults { get; init; }

    /// <summary>Major page faults (needing I/O) during the interval.</summary>
    public long MajorFaults { get; init; }

    /// <summary>Process ID inside the thread's innermost PID namespace (what top in the container shows).</summary>
    public int NamespaceProcessId { get; init; }

    /// <summary>Thread ID inside the thread's innermost PID namespace.</summary>
    public int NamespaceThreadId { get; init; }

    /// <summary>When the thread started (local time, one-second precision from the boot time).</summary>
    public DateTime StartTime { get; init; }

    /// <summary>When the sample was taken (local time), the end of the interval.</summary>
    public DateTime SampleTime { get; init; }

    /// <summary>The measured length of the interval CpuPercent and the deltas cover.</summary>
    public TimeSpan Interval { get; init; }
}
