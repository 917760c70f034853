namespace Diag.Linux.ProcessEvents;

/// <summary>What a running watch hands its caller.</summary>
public enum ProcessWatchItemKind
{
    Event,
    Summary,
    TreeNode,

    /// <summary>A line for the verbose stream (what is attached, how filters are evaluated, how the watch ended).</summary>
    Verbose,

    /// <summary>Something the user must know: lost events, a filter that cannot match.</summary>
    Warning,

    /// <summary>About four times a second while watching: the elapsed time and the events so far.</summary>
    Progress,
}

/// <summary>One item of <see cref="ProcessWatch.Run"/>.</summary>
public sealed class ProcessWatchItem
{
    private ProcessWatchItem(ProcessWatchItemKind kind) => Kind = kind;

    public ProcessWatchItemKind Kind { get; }

    public ProcessEvent? Event { get; private init; }

    public ProcessExecSummary? Summary { get; private init; }

    public ProcessTreeNode? TreeNode { get; private init; }

    public string? Message { get; private init; }

    public TimeSpan Elapsed { get; private init; }

    /// <summary>Events seen so far (after the filters).</summary>
    public long EventCount { get; private init; }

    internal static ProcessWatchItem Of(ProcessEvent e) => new(ProcessWatchItemKind.Event) { Event = e };

    internal static ProcessWatchItem Of(ProcessExecSummary s) => new(ProcessWatchItemKind.Summary) { Summary = s };

    internal static ProcessWatchItem Of(ProcessTreeNode n) => new(ProcessWatchItemKind.TreeNode) { TreeNode = n };

    internal static ProcessWatchItem Verbose(string message) => new(ProcessWatchItemKind.Verbose) { Message = message };

    internal static ProcessWatchItem Warning(string message) => new(ProcessWatchItemKind.Warning) { Message = message };

    internal static ProcessWatchItem Progress(TimeSpan elapsed, long events) => new(ProcessWatchItemKind.Progress) { Elapsed = elapsed, EventCount = events };
}
