namespace Diag.Linux.Threads;

/// <summary>What one snapshot read of one thread: the counters deltas are computed from (from /proc files
/// or from taskstats), and in a full snapshot what the sample shows about the thread's state at its end.</summary>
internal readonly struct ThreadReading
{
    public required int ProcessId { get; init; }
    public required int ThreadId { get; init; }
    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp of the moment the counters were read.</summary>
    public required long Timestamp { get; init; }
    /// <summary>Schedstat or Taskstats when <see cref="RunNanoseconds"/> holds the run time, else ClockTicks.</summary>
    public required CpuTimeSource Source { get; init; }
    /// <summary>Run time in ns, or -1 when the kernel has no schedstat.</summary>
    public required long RunNanoseconds { get; init; }
    public required TimeSpan UserTime { get; init; }
    public required TimeSpan SystemTime { get; init; }
    public required long MinorFaults { get; init; }
    public required long MajorFaults { get; init; }
    public required long VoluntaryContextSwitches { get; init; }
    public required long InvoluntaryContextSwitches { get; init; }
    /// <summary>stat's start time in clock ticks since boot; -1 when stat was not read (a taskstats baseline).</summary>
    public required long StartTicks { get; init; }
    /// <summary>Start as a Stopwatch timestamp derived from taskstats' elapsed time; -1 when not from taskstats.</summary>
    public required long StartTimestamp { get; init; }

    // Only in full snapshots:
    public bool Full { get; init; }
    public byte State { get; init; }
    public int Processor { get; init; }
    public int Priority { get; init; }
    public int Nice { get; init; }
    /// <summary>IDs in the innermost PID namespace; 0 when unknown (then the host IDs apply).</summary>
    public int NamespaceProcessId { get; init; }
    public int NamespaceThreadId { get; init; }
    public string? Name { get; init; }
    /// <summary>Null when not read, or not permitted (see <see cref="AccessDenied"/>).</summary>
    public Diag.Linux.ProcFs.TaskSyscall? Syscall { get; init; }
    public string? WaitChannel { get; init; }
    /// <summary>A kernel thread (PF_KTHREAD): it has no user system call.</summary>
    public bool IsKernelThread { get; init; }
    /// <summary>True when syscall/wchan could not be read for lack of ptrace access.</summary>
    public bool AccessDenied { get; init; }

    /// <summary>
    /// Whether <paramref name="baseline"/> was taken of this same thread rather than of an earlier thread
    /// whose TID was reused. taskstats start times carry the jitter of the query (µs, more if the sampler
    /// was preempted), so they match within a second: a TID is reused only after the PID space wraps
    /// around, which takes far longer than a second after the earlier thread started.
    /// </summary>
    public bool IsSameThreadAs(in ThreadReading baseline)
    {
        if (StartTimestamp >= 0 && baseline.StartTimestamp >= 0)
            return Math.Abs(StartTimestamp - baseline.StartTimestamp) <= System.Diagnostics.Stopwatch.Frequency;
        if (StartTicks >= 0 && baseline.StartTicks >= 0) return StartTicks == baseline.StartTicks;
        return true; // one reading from each source (a thread read by /proc in one pass): no TID wraps in an interval
    }
}
