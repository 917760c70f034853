namespace Diag.Linux.MemoryStalls;

/// <summary>What a watch yields, in order: notes on the sources (verbose or warning), progress ticks while a window
/// runs, and at each window's end one report per process (or one for the machine).</summary>
public sealed class MemoryStallItem
{
    private MemoryStallItem() { }

    public MemoryStallItemKind Kind { get; private init; }

    /// <summary>The report (Kind Report).</summary>
    public MemoryStallReport? Report { get; private init; }

    /// <summary>The note (Verbose, Warning).</summary>
    public string? Message { get; private init; }

    /// <summary>1 for the first window.</summary>
    public int WindowNumber { get; private init; }

    /// <summary>How much of the window has passed (Progress).</summary>
    public TimeSpan Elapsed { get; private init; }

    internal static MemoryStallItem Of(MemoryStallReport report, int window) => new() { Kind = MemoryStallItemKind.Report, Report = report, WindowNumber = window };

    internal static MemoryStallItem Verbose(string message) => new() { Kind = MemoryStallItemKind.Verbose, Message = message };

    internal static MemoryStallItem Warning(string message) => new() { Kind = MemoryStallItemKind.Warning, Message = message };

    internal static MemoryStallItem Progress(int window, TimeSpan elapsed) => new() { Kind = MemoryStallItemKind.Progress, WindowNumber = window, Elapsed = elapsed };
}

public enum MemoryStallItemKind
{
    Report,
    Verbose,
    Warning,
    Progress,
}
