namespace Diag.Linux.Tracing;

/// <summary>
/// Something a traced thread did, in the order the tracer saw it: a system call
/// (<see cref="SyscallEvent"/>), a signal delivered to it or stopping it (<see cref="SignalEvent"/>),
/// or its end (<see cref="ExitEvent"/>) — strace's call lines, <c>--- SIG... ---</c> and
/// <c>+++ exited with 0 +++</c>. Only the tracer creates them.
/// </summary>
public abstract class TraceEvent
{
    private protected TraceEvent()
    {
    }

    /// <summary>When the tracer saw it (local time, as Get-Date): a call's entry, a signal's delivery, an exit.</summary>
    public DateTime Timestamp { get; internal init; }

    /// <summary>The process (thread group) of the thread.</summary>
    public int ProcessId { get; internal init; }

    /// <summary>The thread.</summary>
    public int ThreadId { get; internal init; }

    /// <summary>What events not delivered are counted under: the syscall, the signal, or "exit".</summary>
    internal string TallyName => this switch
    {
        SyscallEvent call => call.Syscall,
        SignalEvent signal => signal.Signal,
        _ => "exit",
    };
}
