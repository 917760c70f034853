namespace Diag.Linux.ProcessEvents;

/// <summary>The counts of one summary row while they are gathered (from the kernel's map or from events).</summary>
internal sealed class SummaryTally
{
    public required string ParentName { get; init; }
    public required string? ParentPath { get; init; }
    public required string Name { get; init; }
    public required string? Path { get; init; }
    public long Forks, Execs, FailedExecs, Exits, ShortLived, LifetimeTicks, LastTime;
    public int ProcessId, ParentId;

    /// <summary>Adds another tally of the same row (another CPU, another inode of the same path).</summary>
    public void Add(SummaryTally other)
    {
        Forks += other.Forks;
        Execs += other.Execs;
        FailedExecs += other.FailedExecs;
        Exits += other.Exits;
        ShortLived += other.ShortLived;
        LifetimeTicks += other.LifetimeTicks;
        if (other.LastTime >= LastTime)
        {
            LastTime = other.LastTime;
            ProcessId = other.ProcessId;
            ParentId = other.ParentId;
        }
    }

    public (string, string?, string, string?) Key => (ParentName, ParentPath, Name, Path);

    public ProcessExecSummary ToRow(TimeSpan duration, ProcessEventSource source)
    {
        var seconds = Math.Max(duration.TotalSeconds, 1e-3);
        return new ProcessExecSummary
        {
            ParentName = ParentName,
            ParentPath = ParentPath,
            ParentId = ParentId,
            Name = Name,
            Path = Path,
            ProcessId = ProcessId,
            Forks = Forks,
            Execs = Execs,
            FailedExecs = FailedExecs,
            Exits = Exits,
            ShortLived = ShortLived,
            ForksPerSecond = Forks / seconds,
            ExecsPerSecond = Execs / seconds,
            ExitsPerSecond = Exits / seconds,
            EventsPerSecond = (Forks + Execs + FailedExecs + Exits) / seconds,
            ShortLivedPercent = Exits == 0 ? 0 : 100.0 * ShortLived / Exits,
            AverageLifetime = Exits == 0 ? null : TimeSpan.FromTicks(LifetimeTicks / Exits),
            Duration = duration,
            SourceKind = source,
        };
    }

    /// <summary>The rows, busiest first (then by name, so that equal rates keep one order).</summary>
    public static List<ProcessExecSummary> Rows(IEnumerable<SummaryTally> tallies, TimeSpan duration, ProcessEventSource source)
    {
        var merged = new Dictionary<(string, string?, string, string?), SummaryTally>();
        foreach (var tally in tallies)
        {
            if (merged.TryGetValue(tally.Key, out var existing))
                existing.Add(tally);
            else
                merged[tally.Key] = tally;
        }
        return merged.Values.Select(t => t.ToRow(duration, source))
            .OrderByDescending(r => r.EventsPerSecond)
            .ThenBy(r => r.ParentName, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
    }
}
