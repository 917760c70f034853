namespace Diag.Linux.ProcessEvents;

/// <summary>Why a watch could not start.</summary>
public enum ProcessWatchFailureReason
{
    /// <summary>Missing privileges (bpf(), the process connector).</summary>
    AccessDenied,

    /// <summary>The kernel lacks what the source needs (BTF, a tracepoint, the ring buffer, the connector).</summary>
    Unsupported,

    /// <summary>Anything else the kernel refused.</summary>
    Failed,
}

/// <summary>A watch that could not start: why, and what to do.</summary>
public sealed class ProcessWatchException : Exception
{
    public ProcessWatchException(ProcessWatchFailureReason reason, string message, string remedy, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
        Remedy = remedy;
    }

    public ProcessWatchFailureReason Reason { get; }

    /// <summary>What the user can do, in one sentence.</summary>
    public string Remedy { get; }
}
