namespace Diag.Linux.Tracing;

/// <summary>What a syscall trace records.</summary>
public sealed record TraceOptions
{
    /// <summary>Syscall numbers to count and report; null means all. Other calls still stop the tracee
    /// (ptrace cannot skip them) but are neither counted nor reported.</summary>
    public IReadOnlySet<int>? Syscalls { get; init; }

    /// <summary>Follow fork, vfork and clone children that are new processes (their threads too).</summary>
    public bool FollowForks { get; init; }

    /// <summary>Produce events on <see cref="ISyscallTraceSession.Events"/>: one <see cref="SyscallEvent"/> per call,
    /// a <see cref="SignalEvent"/> per signal and an <see cref="ExitEvent"/> per thread that ends.</summary>
    public bool CollectEvents { get; init; }

    /// <summary>Split the summary per thread (<see cref="SyscallSummary.ThreadId"/> set).</summary>
    public bool ByThread { get; init; }
}
