namespace Diag.Linux.Memory;

/// <summary>One interval's result for one process of a <see cref="MemoryMapWatcher"/>: what changed, or why the
/// process can no longer be read.</summary>
public sealed class MemoryWatchItem
{
    internal MemoryWatchItem(int sample, int processId, string processName, IReadOnlyList<MemoryRegion> changes,
        IReadOnlyList<MemoryKindTotal> kinds, ProcessMemorySummary? summary, MemoryMapProblem? problem, IReadOnlyList<string> notes)
    {
        Sample = sample;
        ProcessId = processId;
        ProcessName = processName;
        Changes = changes;
        Kinds = kinds;
        Summary = summary;
        Problem = problem;
        Notes = notes;
    }

    /// <summary>1 for the first interval.</summary>
    public int Sample { get; }

    public int ProcessId { get; }
    public string ProcessName { get; }

    /// <summary>Mappings that changed, largest growth first (without summary).</summary>
    public IReadOnlyList<MemoryRegion> Changes { get; }

    /// <summary>Kinds with their growth (summary).</summary>
    public IReadOnlyList<MemoryKindTotal> Kinds { get; }

    /// <summary>The process's summary with its growth (summary).</summary>
    public ProcessMemorySummary? Summary { get; }

    /// <summary>Set when the process could not be read at the start or at this interval; it is not read again.</summary>
    public MemoryMapProblem? Problem { get; }

    /// <summary>What could not be told (first interval only).</summary>
    public IReadOnlyList<string> Notes { get; }
}

/// <summary>
/// Reads processes' maps every interval and yields what grew since the previous reading, like running pmap twice and
/// diffing by hand. The engine owns the clock: items come out at each interval's end, cancellation ends the sequence
/// at once. Not thread-safe.
/// </summary>
public sealed class MemoryMapWatcher
{
    private readonly MemoryMapReader _reader;

    public MemoryMapWatcher(MemoryMapReader reader) => _reader = reader;

    /// <summary>Yields per interval and process; <paramref name="count"/> null: until cancelled.</summary>
    public IEnumerable<MemoryWatchItem> Watch(IReadOnlyList<(int ProcessId, string Name)> processes, TimeSpan interval, int? count, bool summary,
        CancellationToken cancellationToken)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be positive.");
        return WatchIterator(processes, interval, count, summary, cancellationToken);
    }

    private IEnumerable<MemoryWatchItem> WatchIterator(IReadOnlyList<(int ProcessId, string Name)> processes, TimeSpan interval, int? count, bool summary,
        CancellationToken cancellationToken)
    {
        var previous = new Dictionary<int, ProcessMemorySnapshot>();
        var notes = new Dictionary<int, List<string>>();
        foreach (var (pid, name) in processes)
        {
            var list = new List<string>();
            var snapshot = _reader.ReadSnapshot(pid, name, list, out var problem);
            if (snapshot is null)
            {
                yield return new MemoryWatchItem(0, pid, name, [], [], null, problem, list);
                continue;
            }
            previous[pid] = snapshot;
            notes[pid] = list;
        }
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int n = 1; (count is null || n <= count) && previous.Count > 0; n++)
        {
            // Snapshots are due at whole intervals from the start (no drift); an interval near TimeSpan.MaxValue saturates.
            var due = TimeSpan.FromTicks(interval.Ticks > long.MaxValue / n ? long.MaxValue : interval.Ticks * n);
            if (Sleep(due - System.Diagnostics.Stopwatch.GetElapsedTime(start), cancellationToken)) yield break;
            foreach (var (pid, name) in processes)
            {
                if (cancellationToken.IsCancellationRequested) yield break;
                if (!previous.TryGetValue(pid, out var before)) continue;
                var after = _reader.ReadSnapshot(pid, name, new List<string>(), out var problem);
                var first = n == 1 ? notes[pid] : (IReadOnlyList<string>)[];
                if (after is null)
                {
                    previous.Remove(pid);
                    yield return new MemoryWatchItem(n, pid, name, [], [], null, problem, first);
                    continue;
                }
                if (summary)
                {
                    var (kinds, total) = MemorySummaryBuilder.Build(after, before);
                    yield return new MemoryWatchItem(n, pid, name, [], kinds, total, null, first);
                }
                else yield return new MemoryWatchItem(n, pid, name, MemoryGrowth.Compare(before, after), [], null, null, first);
                previous[pid] = after;
            }
        }
    }

    /// <summary>Waits <paramref name="due"/> (any length: waits longer than int.MaxValue milliseconds are chunked);
    /// true when cancelled.</summary>
    internal static bool Sleep(TimeSpan due, CancellationToken cancellationToken)
    {
        var maxChunk = TimeSpan.FromMilliseconds(int.MaxValue - 1);
        while (due > TimeSpan.Zero)
        {
            var chunk = due < maxChunk ? due : maxChunk;
            if (cancellationToken.WaitHandle.WaitOne(chunk)) return true;
            due -= chunk;
        }
        return cancellationToken.IsCancellationRequested;
    }
}
