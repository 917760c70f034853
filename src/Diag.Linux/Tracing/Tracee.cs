namespace Diag.Linux.Tracing;

/// <summary>The tracer's state for one traced thread. Touched only by the tracer thread.</summary>
internal sealed class Tracee
{
    public Tracee(int threadId, int processId, SyscallCounters counters)
    {
        ThreadId = threadId;
        ProcessId = processId;
        Counters = counters;
    }

    /// <summary>Its TID; changes when a non-leader thread execs and takes over the leader's TID.</summary>
    public int ThreadId { get; set; }

    /// <summary>Its thread group (process) id.</summary>
    public int ProcessId { get; }

    /// <summary>Where its calls are counted (its process's counters, or its own with ByThread).</summary>
    public SyscallCounters Counters { get; set; }

    /// <summary>Between a syscall-entry stop and the matching exit stop.</summary>
    public bool InSyscall { get; set; }

    /// <summary>The current call passes the syscall filter and is counted.</summary>
    public bool Counted { get; set; }

    /// <summary>The TID that entered the current call (differs from <see cref="ThreadId"/> after a
    /// non-leader thread's execve, which returns under the leader's TID).</summary>
    public int CallThreadId { get; set; }

    /// <summary>The current call's number.</summary>
    public int Number { get; set; }

    /// <summary>Stopwatch timestamp (CLOCK_MONOTONIC) of the current call's entry stop.</summary>
    public long EntryTimestamp { get; set; }

    /// <summary>The current call's six argument registers, copied at its entry stop.</summary>
    public ulong[] Arguments { get; } = new ulong[6];

    /// <summary>The current call's inputs, decoded at its entry stop (events only); its exit finishes it.</summary>
    public Syscalls.Decoding.DecodeContext? Decoding { get; set; }

    /// <summary>The call this thread made before the current one (restart_syscall excepted): what a
    /// restart_syscall resumes, which strace shows as <c>restart_syscall(&lt;... resuming interrupted nanosleep ...&gt;)</c>.</summary>
    public int PreviousNumber { get; set; } = -1;

    /// <summary>In group-stop (SIGSTOP and friends), parked with PTRACE_LISTEN.</summary>
    public bool GroupStopped { get; set; }
}
