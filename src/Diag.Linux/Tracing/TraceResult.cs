namespace Diag.Linux.Tracing;

/// <summary>Why a trace ended.</summary>
public enum TraceEndReason
{
    /// <summary><see cref="ISyscallTraceSession.Stop"/> or Dispose ended it.</summary>
    Stopped,

    /// <summary>Every traced thread exited.</summary>
    TargetExited,
}

/// <summary>The outcome of a trace.</summary>
/// <param name="Summary">One row per syscall (per thread with ByThread), busiest first.</param>
/// <param name="Elapsed">How long the trace ran.</param>
/// <param name="ExitCode">Exit status of the launched command or of the whole traced process; null while it still runs, after a signal, or for a thread target.</param>
/// <param name="TerminatingSignal">The signal that killed the launched command or traced process, if one did.</param>
/// <param name="EndReason">Stopped or TargetExited.</param>
public sealed record TraceResult(IReadOnlyList<SyscallSummary> Summary, TimeSpan Elapsed, int? ExitCode, int? TerminatingSignal, TraceEndReason EndReason)
{
    /// <summary>Events not delivered because the consumer of <see cref="ISyscallTraceSession.Events"/> fell behind
    /// (the tracees are never held up for a slow consumer: their calls are still counted in the summary).</summary>
    public long DroppedEvents { get; init; }

    /// <summary>The launched command's process id, or the traced process; null for a thread target.</summary>
    public int? ProcessId { get; init; }

    /// <summary><see cref="DroppedEvents"/> by syscall name.</summary>
    public IReadOnlyDictionary<string, long> DroppedEventsBySyscall { get; init; } = new Dictionary<string, long>();

    /// <summary>Calls that passed the filter and never returned (exit_group, a call cut short by the end of the
    /// trace or of its thread): not in <see cref="Summary"/>, which counts returns, as strace -c does.</summary>
    public long UnfinishedCalls { get; init; }

    /// <summary>Which backend traced: Ptrace or Kernel.</summary>
    public TraceBackend Backend { get; init; }
}
