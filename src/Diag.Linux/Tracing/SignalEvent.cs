namespace Diag.Linux.Tracing;

/// <summary>
/// A signal that reached a traced thread, as strace shows it:
/// <c>--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=1235, si_uid=0, si_status=0, si_utime=0, si_stime=0} ---</c>;
/// or, with <see cref="Stopped"/>, a stop signal that stopped it (<c>--- stopped by SIGSTOP ---</c>).
/// The signal is delivered as if the tracer were not there.
/// </summary>
public sealed class SignalEvent : TraceEvent
{
    /// <summary>The signal's name: <c>SIGUSR1</c>, <c>SIGRTMIN</c>, <c>SIGRT_2</c>.</summary>
    public string Signal { get; internal init; } = "";

    /// <summary>The signal's number (10 for SIGUSR1 on x86_64).</summary>
    public int SignalNumber { get; internal init; }

    /// <summary>Why it was sent (si_code) by name: <c>SI_USER</c> (kill), <c>SI_TKILL</c> (tgkill),
    /// <c>SI_KERNEL</c>, <c>SI_TIMER</c>, <c>CLD_EXITED</c>, <c>SEGV_MAPERR</c>; null for a stop.</summary>
    public string? Code { get; internal init; }

    /// <summary>The process that sent it (kill, tgkill, sigqueue), or the child a SIGCHLD is about.</summary>
    public int? SenderProcessId { get; internal init; }

    /// <summary>The real user id of the sender (with <see cref="SenderProcessId"/>).</summary>
    public int? SenderUserId { get; internal init; }

    /// <summary>For SIGCHLD: the child's exit code (CLD_EXITED) or the number of the signal that ended or stopped it.</summary>
    public int? ChildStatus { get; internal init; }

    /// <summary>For SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP: the faulting address (si_addr).</summary>
    public ulong? FaultAddress { get; internal init; }

    /// <summary>The siginfo as strace prints it: <c>{si_signo=SIGUSR1, si_code=SI_USER, si_pid=1234, si_uid=0}</c>;
    /// empty for a stop.</summary>
    public string InfoText { get; internal init; } = "";

    /// <summary>True for a group-stop: the signal (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) stopped the thread.</summary>
    public bool Stopped { get; internal init; }

    /// <summary>The line as strace -f prints it: <c>[pid 1234] --- SIGUSR1 {si_signo=SIGUSR1, ...} ---</c>.</summary>
    public override string ToString() => Stopped
        ? FormattableString.Invariant($"[pid {ThreadId}] --- stopped by {Signal} ---")
        : FormattableString.Invariant($"[pid {ThreadId}] --- {Signal} {InfoText} ---");
}
