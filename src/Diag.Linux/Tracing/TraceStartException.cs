namespace Diag.Linux.Tracing;

/// <summary>A trace could not start. <see cref="Exception.Message"/> says what happened,
/// <see cref="Remedy"/> what to do about it.</summary>
public sealed class TraceStartException : Exception
{
    public TraceStartException(TraceFailureReason reason, int? processId, string message, string remedy, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
        ProcessId = processId;
        Remedy = remedy;
    }

    /// <summary>Why the trace could not start.</summary>
    public TraceFailureReason Reason { get; }

    /// <summary>The process or thread concerned, when there is one.</summary>
    public int? ProcessId { get; }

    /// <summary>What the user can do, e.g. "run as root, or grant CAP_SYS_PTRACE ...".</summary>
    public string Remedy { get; }

    /// <summary>The errno behind the failure, when a system call failed (ENOENT for a missing command).</summary>
    public int? Errno { get; init; }
}
