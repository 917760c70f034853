namespace Diag.Linux.PacketDrops;

/// <summary>Why a drop watch could not start.</summary>
public enum DropWatchFailure
{
    /// <summary>Loading eBPF needs root, or CAP_BPF and CAP_PERFMON (Linux 5.8+).</summary>
    NotPermitted,

    /// <summary>The kernel lacks what the watch needs (BTF, the typed kfree_skb tracepoint, the ring buffer).</summary>
    KernelUnsupported,

    /// <summary>The kernel refused the program or a map for another reason (the message has the verifier's words).</summary>
    KernelRefused,
}

/// <summary>A drop watch could not start; <see cref="Failure"/> says why, the message what to do.</summary>
public sealed class DropWatchException : Exception
{
    public DropWatchException(DropWatchFailure failure, string message, Exception? inner = null) : base(message, inner) => Failure = failure;

    public DropWatchFailure Failure { get; }
}
