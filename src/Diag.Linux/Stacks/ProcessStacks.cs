using Diag.Linux.Tracing;

namespace Diag.Linux.Stacks;

/// <summary>The stacks of one process's threads, or why there are none (a whole-process failure) and
/// which requested threads were missing or refused.</summary>
public sealed class ProcessStacks
{
    public int ProcessId { get; internal init; }

    public string ProcessName { get; internal init; } = "";

    /// <summary>One stack per thread, by thread ID.</summary>
    public IReadOnlyList<ThreadStack> Threads { get; internal init; } = [];

    /// <summary>Why nothing could be captured (not found, permission, a child of this process, ...); null when some was.</summary>
    public TraceStartException? Failure { get; internal init; }

    /// <summary>Threads that could not be stopped because another tracer (gdb, strace) holds them: one exception naming it.</summary>
    public TraceStartException? TracedThreads { get; internal init; }

    /// <summary>Thread IDs asked for that are not threads of the process.</summary>
    public IReadOnlyList<int> MissingThreadIds { get; internal init; } = [];
}
