namespace Diag.Linux.Memory;

/// <summary>
/// What changed between two snapshots of a process, mapping by mapping: the step pmap cannot do. A mapping is the
/// same when it starts at the same address or, failing that, ends at the same address (stacks and glibc heaps' ---p
/// reservations move their start as they grow; an anonymous mapping extended downwards merges into a neighbour).
/// </summary>
internal static class MemoryGrowth
{
    /// <summary>The mappings that grew, appeared, shrank or were removed, the largest RSS growth first.</summary>
    public static List<MemoryRegion> Compare(ProcessMemorySnapshot before, ProcessMemorySnapshot after)
    {
        var interval = System.Diagnostics.Stopwatch.GetElapsedTime(before.StopwatchTimestamp, after.StopwatchTimestamp);
        var old = MemoryRegions.Build(before);
        var current = MemoryRegions.Build(after);
        var byStart = new Dictionary<ulong, int>(old.Length);
        var byEnd = new Dictionary<ulong, int>(old.Length);
        for (int i = 0; i < old.Length; i++)
        {
            byStart.TryAdd(old[i].StartAddress, i);
            byEnd.TryAdd(old[i].EndAddress, i);
        }
        var matched = new bool[old.Length];
        var changes = new List<MemoryRegion>();
        var unmatched = new List<MemoryRegion>();
        foreach (var region in current)
        {
            if (byStart.TryGetValue(region.StartAddress, out int i) && !matched[i]) Pair(region, i);
            else unmatched.Add(region);
        }
        foreach (var region in unmatched)
        {
            if (byEnd.TryGetValue(region.EndAddress, out int i) && !matched[i]) Pair(region, i);
            else changes.Add(region.WithGrowth(MemoryChange.New, region.RssBytes, region.SizeBytes, region.SwapBytes, interval));
        }
        for (int i = 0; i < old.Length; i++)
            if (!matched[i]) changes.Add(old[i].WithGrowth(MemoryChange.Removed, -old[i].RssBytes, -old[i].SizeBytes, -old[i].SwapBytes, interval));
        changes.Sort(static (a, b) =>
        {
            int byRss = b.RssGrowthBytes!.Value.CompareTo(a.RssGrowthBytes!.Value);
            return byRss != 0 ? byRss : b.SizeGrowthBytes!.Value.CompareTo(a.SizeGrowthBytes!.Value);
        });
        return changes;

        void Pair(MemoryRegion region, int i)
        {
            matched[i] = true;
            long rss = region.RssBytes - old[i].RssBytes, size = region.SizeBytes - old[i].SizeBytes, swap = region.SwapBytes - old[i].SwapBytes;
            long primary = rss != 0 ? rss : size != 0 ? size : swap;
            if (primary != 0) changes.Add(region.WithGrowth(primary > 0 ? MemoryChange.Grew : MemoryChange.Shrank, rss, size, swap, interval));
        }
    }
}
