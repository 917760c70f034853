namespace Diag.Linux.ProcessEvents;

/// <summary>What a watch writes.</summary>
public enum ProcessWatchOutput
{
    /// <summary>One <see cref="ProcessEvent"/> per fork, exec and exit, as they happen.</summary>
    Events,

    /// <summary>At the end, one <see cref="ProcessExecSummary"/> per parent and executable, counted in the kernel.</summary>
    Summary,

    /// <summary>At the end, the <see cref="ProcessTreeNode"/>s of who spawned whom.</summary>
    Tree,
}

/// <summary>A name or path to match: its text, whether it has wildcards, and the match (the cmdlet passes
/// PowerShell's WildcardPattern; a literal is also matched in the kernel).</summary>
public sealed class ProcessEventPattern
{
    public ProcessEventPattern(string text, bool isLiteral, Func<string, bool> isMatch)
    {
        Text = text;
        IsLiteral = isLiteral;
        IsMatch = isMatch;
    }

    public string Text { get; }

    public bool IsLiteral { get; }

    public Func<string, bool> IsMatch { get; }

    public override string ToString() => Text;
}

/// <summary>What to watch and for how long.</summary>
public sealed class ProcessWatchOptions
{
    /// <summary>Process names (comm; for a name cut at 15 characters, also the executable's file name).</summary>
    public IReadOnlyList<ProcessEventPattern> Names { get; init; } = [];

    /// <summary>Only the children of these processes (with <see cref="IncludeDescendants"/>, every descendant).</summary>
    public IReadOnlyList<int> ParentIds { get; init; } = [];

    public bool IncludeDescendants { get; init; }

    /// <summary>Only processes of these real user ids.</summary>
    public IReadOnlyList<int> UserIds { get; init; } = [];

    /// <summary>Only processes running these executables (the exec's file for an exec).</summary>
    public IReadOnlyList<ProcessEventPattern> Paths { get; init; } = [];

    /// <summary>Also execs that fail (ENOENT, EACCES, ...).</summary>
    public bool IncludeFailed { get; init; }

    public ProcessWatchOutput Output { get; init; }

    public ProcessEventSourceChoice Source { get; init; }

    /// <summary>How long to watch; null: until stopped (or <see cref="Count"/>).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Stop after this many events (events output only).</summary>
    public int? Count { get; init; }

    /// <summary>Exits of processes younger than this are short lives in the summary.</summary>
    public TimeSpan ShortLifetime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The kernel ring buffer's size (a power of two); tests shrink it to make it overflow.</summary>
    internal int RingBufferBytes { get; init; } = Kernel.ProcessEventMaps.RingBytes;
}
