namespace Diag.Linux.Tracing;

/// <summary>How a <see cref="TraceNotice"/> should be shown: verbose detail or a warning.</summary>
public enum TraceNoticeKind
{
    /// <summary>Lifecycle detail (attached, thread exited, detached): verbose output.</summary>
    Verbose,

    /// <summary>Something the user should know (events dropped, a thread that could not be attached).</summary>
    Warning,
}

/// <summary>A lifecycle message of a trace.</summary>
/// <param name="Kind">Verbose or warning.</param>
/// <param name="Message">What happened, e.g. "thread 1234 exited".</param>
/// <param name="ProcessId">The process concerned, if any.</param>
/// <param name="ThreadId">The thread concerned, if any.</param>
public sealed record TraceNotice(TraceNoticeKind Kind, string Message, int? ProcessId, int? ThreadId)
{
    /// <summary>When it happened (local time).</summary>
    public DateTime Timestamp { get; init; } = DateTime.Now;
}
