using System.Globalization;

namespace Diag.Linux.ProcessEvents;

/// <summary>
/// The events of one parent and executable over a watch (Watch-ProcessExec -Summary): how many forks, execs and
/// exits, per second, and how many of the exits were short lives. A fork loop is a row whose parent and process
/// run the same program with thousands of forks per second; its respawner is the row that keeps executing it.
/// </summary>
public sealed class ProcessExecSummary
{
    /// <summary>The parent's name (of the latest event).</summary>
    public string ParentName { get; internal init; } = "";

    /// <summary>The parent's executable.</summary>
    public string? ParentPath { get; internal init; }

    /// <summary>The parent of the latest event.</summary>
    public int ParentId { get; internal init; }

    /// <summary>The process's name (for execs: the new program's).</summary>
    public string Name { get; internal init; } = "";

    /// <summary>The process's executable (for a script: its interpreter; the name is the script's).</summary>
    public string? Path { get; internal init; }

    /// <summary>The process of the latest event (likely gone).</summary>
    public int ProcessId { get; internal init; }

    public long Forks { get; internal init; }

    public long Execs { get; internal init; }

    /// <summary>Execs that failed (with -IncludeFailed).</summary>
    public long FailedExecs { get; internal init; }

    public long Exits { get; internal init; }

    /// <summary>Exits of processes that lived less than the short-life threshold (-ShortLifetime).</summary>
    public long ShortLived { get; internal init; }

    public double ForksPerSecond { get; internal init; }

    public double ExecsPerSecond { get; internal init; }

    public double ExitsPerSecond { get; internal init; }

    /// <summary>Forks, execs (failed ones included) and exits per second together: the order of the rows.</summary>
    public double EventsPerSecond { get; internal init; }

    /// <summary>The share of exits that were short lives, 0–100.</summary>
    public double ShortLivedPercent { get; internal init; }

    /// <summary>The mean lifetime of the processes that exited.</summary>
    public TimeSpan? AverageLifetime { get; internal init; }

    /// <summary>How long the watch ran.</summary>
    public TimeSpan Duration { get; internal init; }

    /// <summary>Kernel (counted by the programs) or ProcessConnector (counted in this session), by name.</summary>
    public string Source => SourceKind.ToString();

    internal ProcessEventSource SourceKind { get; init; }

    /// <summary><c>atd -> atd: 4812.0 forks/s, 0.0 execs/s, 4811.5 exits/s, 100 % short</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{ParentName} -> {Name}: {ForksPerSecond:0.0} forks/s, {ExecsPerSecond:0.0} execs/s, {ExitsPerSecond:0.0} exits/s, {ShortLivedPercent:0} % short");
}
