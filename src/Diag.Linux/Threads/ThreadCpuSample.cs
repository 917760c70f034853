namespace Diag.Linux.Threads;

/// <summary>
/// One thread's CPU use over one sampling interval: a row of <c>top -H</c>, with what top cannot show
/// (the system call the thread is blocked in, its IDs inside its PID namespace, nanosecond run time).
/// Immutable (PowerShell sees get-only properties; only the engine builds it) and made of primitives
/// only, so it survives PowerShell remoting, Export-Csv and ConvertTo-Json with readable values.
/// </summary>
public sealed class ThreadCpuSample
{
    /// <summary>Process (thread group) ID, as the host sees it.</summary>
    public int ProcessId { get; internal init; }

    /// <summary>Process name: its comm, or the untruncated executable name when comm is cut at 15 characters (as Get-Process).</summary>
    public string ProcessName { get; internal init; } = "";

    /// <summary>Thread ID (TID), as the host sees it.</summary>
    public int ThreadId { get; internal init; }

    /// <summary>Thread name (comm, at most 15 characters, set by pthread_setname_np or prctl).</summary>
    public string ThreadName { get; internal init; } = "";

    /// <summary>Share of ONE CPU the thread used over <see cref="Interval"/>, as top's %CPU (100 = one core busy).
    /// From nanosecond run time when <see cref="CpuTimeSource"/> is Schedstat or Taskstats.</summary>
    public double CpuPercent { get; internal init; }

    /// <summary>The part of <see cref="CpuPercent"/> spent in user mode. The kernel measures run time to the
    /// nanosecond but splits it into user and system only by sampling at each scheduler tick (taskstats'
    /// ac_utime/ac_stime, or stat's utime/stime clock ticks), so the split is estimated: CpuPercent is
    /// divided in the ratio of the interval's user and system ticks. UserPercent + SystemPercent = CpuPercent.</summary>
    public double UserPercent { get; internal init; }

    /// <summary>The part of <see cref="CpuPercent"/> spent in the kernel, estimated as <see cref="UserPercent"/> is.</summary>
    public double SystemPercent { get; internal init; }

    /// <summary>Total CPU time the thread has used since it started (top's TIME+).</summary>
    public TimeSpan CpuTime { get; internal init; }

    /// <summary>Where CpuPercent and CpuTime come from: <c>Taskstats</c> (the kernel's nanosecond run time
    /// through netlink, as root), <c>Schedstat</c> (the same from /proc), or <c>ClockTicks</c> (10 ms ticks,
    /// when the kernel has no schedstat). A name, so that it reads the same in tables, CSV and JSON.</summary>
    public string CpuTimeSource { get; internal init; } = "";

    /// <summary>Scheduler state at the end of the interval, by name: Running, Sleeping, DiskSleep, Stopped,
    /// TracingStop, Zombie, Dead, Idle, Parked (see <see cref="ThreadStates"/>; the letter top shows is in
    /// <see cref="StateCode"/>).</summary>
    public string State { get; internal init; } = "";

    /// <summary>The state letter of top's S column (R, S, D, T, t, Z, X, I, P).</summary>
    public string StateCode { get; internal init; } = "";

    /// <summary>True for a kernel thread (kworker, ksoftirqd...): it has no user-space system call, so
    /// <see cref="CurrentSyscall"/> is empty.</summary>
    public bool IsKernelThread { get; internal init; }

    /// <summary>The CPU the thread last ran on.</summary>
    public int Processor { get; internal init; }

    /// <summary>Kernel priority as top's PR (20 + nice for normal threads; negative for real-time).</summary>
    public int Priority { get; internal init; }

    /// <summary>Nice value (-20..19).</summary>
    public int Nice { get; internal init; }

    /// <summary>The system call the thread was blocked in at the end of the interval (e.g. <c>recvfrom</c>,
    /// <c>futex</c>); <c>running</c> when it was on a CPU at that instant (the kernel cannot tell then);
    /// <c>user</c> when it was off-CPU outside any system call; null when not permitted to read, and for a
    /// kernel thread (<see cref="IsKernelThread"/>), which makes no user system calls.</summary>
    public string? CurrentSyscall { get; internal init; }

    /// <summary>Number of <see cref="CurrentSyscall"/>; -1 for <c>user</c>; null for <c>running</c> or unreadable.</summary>
    public int? CurrentSyscallNumber { get; internal init; }

    /// <summary>The system call the thread made most often during <see cref="Interval"/>, counted in the kernel
    /// (where BPF is allowed: root, or CAP_BPF and CAP_PERFMON): what a thread on a CPU, whose
    /// <see cref="CurrentSyscall"/> can only be <c>running</c>, is busy with (<c>recvfrom</c> for a thread spinning
    /// on a non-blocking socket). Null when calls were not counted, when the thread made none, and for kernel threads.</summary>
    public string? TopSyscall { get; internal init; }

    /// <summary>Calls of <see cref="TopSyscall"/> per second over the interval; null with it.</summary>
    public double? TopSyscallPerSecond { get; internal init; }

    /// <summary>All the thread's system calls per second over the interval; null when calls were not counted
    /// (Get-ThreadCpu -Verbose says why) and for kernel threads.</summary>
    public double? SyscallsPerSecond { get; internal init; }

    /// <summary>Kernel function the thread sleeps in (<c>/proc/…/wchan</c>); null when running, unknown or unreadable.</summary>
    public string? WaitChannel { get; internal init; }

    /// <summary>Voluntary context switches (the thread blocked) during the interval.</summary>
    public long VoluntaryContextSwitches { get; internal init; }

    /// <summary>Involuntary context switches (the thread was preempted) during the interval.</summary>
    public long InvoluntaryContextSwitches { get; internal init; }

    /// <summary>Minor page faults during the interval.</summary>
    public long MinorFaults { get; internal init; }

    /// <summary>Major page faults (needing I/O) during the interval.</summary>
    public long MajorFaults { get; internal init; }

    /// <summary>Process ID inside the thread's innermost PID namespace (what top in the container shows).</summary>
    public int NamespaceProcessId { get; internal init; }

    /// <summary>Thread ID inside the thread's innermost PID namespace.</summary>
    public int NamespaceThreadId { get; internal init; }

    /// <summary>When the thread started (local time, one-second precision from the boot time).</summary>
    public DateTime StartTime { get; internal init; }

    /// <summary>When the sample was taken (local time), the end of the interval.</summary>
    public DateTime SampleTime { get; internal init; }

    /// <summary>The measured length of the interval CpuPercent and the deltas cover.</summary>
    public TimeSpan Interval { get; internal init; }

    /// <summary>The row as a person reads it: <c>12345 NatThread (vpnserver) 99.8 % recvfrom 1.4M/s</c>, or
    /// <c>12346 futex-0 (myserver) 0.0 % futex</c>.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{ThreadId} {ThreadName} ({ProcessName}) {CpuPercent:0.0} % {Activity}");

    /// <summary>What the SYSCALL column shows: the call a blocked thread is in; for a thread on a CPU (or in user
    /// code) whose calls were counted, the call it made most and its rate (<c>recvfrom 1.4M/s</c>).</summary>
    internal string Activity =>
        TopSyscall is { } top && TopSyscallPerSecond is { } rate && CurrentSyscall is "running" or "user"
            ? top + " " + Rate(rate)
            : CurrentSyscall ?? State;

    private static string Rate(double perSecond)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return perSecond >= 1e6 ? (perSecond / 1e6).ToString("0.#", invariant) + "M/s"
            : perSecond >= 1e3 ? (perSecond / 1e3).ToString("0.#", invariant) + "k/s"
            : perSecond.ToString("0", invariant) + "/s";
    }
}
