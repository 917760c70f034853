namespace Diag.Linux.Memory;

/// <summary>Builds the -Summary output of a snapshot: one row per kind, largest resident first, then the process's
/// summary with its recommendation.</summary>
internal static class MemorySummaryBuilder
{
    public static (IReadOnlyList<MemoryKindTotal> Kinds, ProcessMemorySummary Summary) Build(ProcessMemorySnapshot s) => Build(s, null);

    /// <summary>With <paramref name="before"/>, each row also says how much it grew since that snapshot.</summary>
    public static (IReadOnlyList<MemoryKindTotal> Kinds, ProcessMemorySummary Summary) Build(ProcessMemorySnapshot s, ProcessMemorySnapshot? before)
    {
        var tallies = KindTally.Of(s);
        var previous = before is null ? null : KindTally.Of(before);
        TimeSpan? interval = before is null ? null : System.Diagnostics.Stopwatch.GetElapsedTime(before.StopwatchTimestamp, s.StopwatchTimestamp);
        long rss = s.Rollup.Rss > 0 ? s.Rollup.Rss : tallies.Sum(t => t.Rss);
        var rows = new List<MemoryKindTotal>();
        foreach (var kind in Enum.GetValues<MemoryKind>())
        {
            var t = tallies[(int)kind];
            var p = previous?[(int)kind] ?? default;
            if (t.Count == 0 && p.Count == 0) continue;
            rows.Add(new MemoryKindTotal(s.ProcessId, s.ProcessName, kind, t.Count, t.Size, t.Rss, t.Pss, t.PrivateDirty, t.Swap,
                rss == 0 ? 0 : Math.Round(100.0 * t.Rss / rss, 1), s.Timestamp,
                previous is null ? null : t.Count - p.Count, previous is null ? null : t.Rss - p.Rss, previous is null ? null : t.Size - p.Size, interval));
        }
        rows.Sort((a, b) => previous is null ? b.RssBytes.CompareTo(a.RssBytes) : b.RssGrowthBytes!.Value.CompareTo(a.RssGrowthBytes!.Value));

        var arena = tallies[(int)MemoryKind.GlibcArena];
        var summary = new ProcessMemorySummary(s.ProcessId, s.ProcessName, s.Smaps.Count, tallies.Sum(t => t.Size), s.Rollup, s.Allocator, s.AllocatorLibrary,
            s.Layout.ArenaCount, s.Layout.ArenaHeapCount, s.Layout.ArenasConfirmed, arena.Size, arena.Rss, s.Malloc.ArenaLimit, s.Malloc.Setting,
            s.Cgroup, MemoryRecommendation.For(s, arena.Rss, rss), s.Timestamp,
            before is null ? null : s.Rollup.Rss - before.Rollup.Rss, interval);
        return (rows, summary);
    }
}
