namespace Diag.Linux.Tracing;

/// <summary>
/// The end of a traced thread, as strace shows it: <c>+++ exited with 0 +++</c> or
/// <c>+++ killed by SIGTERM (core dumped) +++</c>. Every thread of a traced process has one (with
/// the process's status when exit_group ended it); the process's own is the one whose
/// <see cref="TraceEvent.ThreadId"/> equals its <see cref="TraceEvent.ProcessId"/>.
/// </summary>
public sealed class ExitEvent : TraceEvent
{
    /// <summary>The exit status (0..255) when it exited; null when a signal killed it.</summary>
    public int? ExitCode { get; internal init; }

    /// <summary>The signal that killed it by name (<c>SIGKILL</c>); null when it exited.</summary>
    public string? Signal { get; internal init; }

    /// <summary>The number of that signal; null when it exited.</summary>
    public int? SignalNumber { get; internal init; }

    /// <summary>The kernel wrote a core dump as it died.</summary>
    public bool CoreDumped { get; internal init; }

    /// <summary>The line as strace -f prints it: <c>[pid 1234] +++ exited with 0 +++</c>.</summary>
    public override string ToString() => ExitCode is { } code
        ? FormattableString.Invariant($"[pid {ThreadId}] +++ exited with {code} +++")
        : FormattableString.Invariant($"[pid {ThreadId}] +++ killed by {Signal}{(CoreDumped ? " (core dumped)" : "")} +++");
}
