namespace Diag.Linux.Conntrack;

/// <summary>What a Test-ConntrackCapacity run yields, in order: progress, verbose notes, problems and reports. The
/// engine owns the timing (the sample's wait, the dumps); the cmdlet only writes what comes.</summary>
public sealed class ConntrackRunItem
{
    private ConntrackRunItem()
    {
    }

    /// <summary>What is being done now (a progress line), with PercentComplete; null for other items.</summary>
    public string? Activity { get; private init; }

    public int PercentComplete { get; private init; } = -1;

    /// <summary>A note for -Verbose.</summary>
    public string? Verbose { get; private init; }

    public ConntrackProblem? Problem { get; private init; }

    public ConntrackReport? Report { get; private init; }

    internal static ConntrackRunItem Progress(string activity, int percent) => new() { Activity = activity, PercentComplete = percent };

    internal static ConntrackRunItem Note(string text) => new() { Verbose = text };

    internal static ConntrackRunItem Of(ConntrackProblem problem) => new() { Problem = problem };

    internal static ConntrackRunItem Of(ConntrackReport report) => new() { Report = report };
}
