using Diag.Linux.Interop;
using Diag.Linux.ProcFs;
using Diag.Linux.Time;

namespace Diag.Linux.Threads;

/// <summary>
/// Samples per-thread CPU use like <c>top -H -d INTERVAL -n COUNT</c>: reads the selected threads,
/// waits one interval, reads them again and yields one batch of <see cref="ThreadCpuSample"/>s, busiest
/// first; with a count above one each interval's baseline is the previous reading. Not thread-safe.
/// </summary>
public sealed class ThreadCpuSampler : IDisposable
{
    private readonly ThreadSelection _selection;
    private readonly ThreadSnapshotReader _reader;

    /// <summary>Creates a sampler over the /proc under <paramref name="rootPath"/> ("/" normally; tests
    /// point it at a fixture tree). Throws <see cref="SyscallException"/> when that /proc cannot be opened.</summary>
    public ThreadCpuSampler(ThreadSelection selection, string rootPath = "/")
        : this(selection, rootPath, useTaskstats: true)
    {
    }

    /// <summary><paramref name="useTaskstats"/> false forces the /proc path even as root (tests, benchmark).</summary>
    internal ThreadCpuSampler(ThreadSelection selection, string rootPath, bool useTaskstats)
    {
        _selection = selection ?? throw new ArgumentNullException(nameof(selection));
        _reader = new ThreadSnapshotReader(rootPath, useTaskstats);
    }

    /// <summary>True when thread counters come from the kernel's taskstats interface (root), false when
    /// from /proc files; samples say which in <see cref="ThreadCpuSample.CpuTimeSource"/>.</summary>
    internal bool UsesTaskstats => _reader.UsesTaskstats;

    /// <summary>Where the counters come from and why, in one sentence for a user (verbose output).</summary>
    public string SourceDescription => _reader.UsesTaskstats
        ? "Thread counters come from taskstats netlink (root or CAP_NET_ADMIN): run time to the nanosecond, one batched query per thread instead of three /proc files."
        : $"Thread counters come from /proc (stat, schedstat, status): taskstats is not used ({_reader.TaskstatsUnusedReason}); as root it would halve the cost. Run time is to the nanosecond from schedstat, or in 10 ms clock ticks where the kernel has no schedstat (the CpuTimeSource property says which).";

    /// <summary>
    /// Yields one batch per <paramref name="interval"/>, <paramref name="count"/> times (null: until
    /// cancelled). Cancellation ends the sequence at once, without an exception. The first batch reports
    /// missing PIDs and unmatched name patterns; when every requested PID is missing it comes at once, empty.
    /// </summary>
    public IEnumerable<ThreadCpuBatch> Sample(TimeSpan interval, int? count, CancellationToken cancellationToken = default)
    {
        if (interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be positive.");
        if (count is < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "The count must be at least 1.");
        return SampleIterator(interval, count, cancellationToken);
    }

    private IEnumerable<ThreadCpuBatch> SampleIterator(TimeSpan interval, int? count, CancellationToken cancellationToken)
    {
        var previous = new ThreadSnapshot();
        var current = new ThreadSnapshot();
        var missing = new List<int>();
        bool[]? matched = _selection.Processes.Names is { } patterns ? new bool[patterns.Count] : null;

        // Files are kept open only when a later pass will read them again.
        _reader.Read(_selection, full: false, previous, missing, matched, keepFilesOpen: true);
        var unmatched = ProcessNamePatterns.Unmatched(matched);
        if (_selection.Processes.ProcessIds is { } ids && missing.Count == ids.Count)
        {
            yield return new ThreadCpuBatch(1, Array.Empty<ThreadCpuSample>(), missing.ToArray(), unmatched, Array.Empty<int>());
            yield break;
        }

        long start = previous.StartTimestamp;
        for (int n = 1; count is null || n <= count; n++)
        {
            var dueAt = LongWait.Times(interval, n);
            var due = dueAt == TimeSpan.MaxValue ? TimeSpan.MaxValue : dueAt - System.Diagnostics.Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero && LongWait.Wait(cancellationToken.WaitHandle, due)) yield break;
            if (cancellationToken.IsCancellationRequested) yield break;

            long readStart = System.Diagnostics.Stopwatch.GetTimestamp();
            _reader.Read(_selection, full: true, current, null, null, keepFilesOpen: count is null || n < count);
            var samples = BuildSamples(previous, current);
            yield return new ThreadCpuBatch(n, samples,
                n == 1 ? missing.ToArray() : Array.Empty<int>(),
                n == 1 ? unmatched : Array.Empty<int>(),
                current.DeniedProcessIds,
                System.Diagnostics.Stopwatch.GetElapsedTime(readStart));
            (previous, current) = (current, previous);
        }
    }

    private ThreadCpuSample[] BuildSamples(ThreadSnapshot previous, ThreadSnapshot current)
    {
        var clock = _reader.Clock;
        var sampleTime = DateTime.Now;
        var samples = new List<ThreadCpuSample>(current.Threads.Count);
        foreach (var reading in current.Threads.Values)
        {
            ThreadReading? baseline = null;
            if (previous.Threads.TryGetValue(reading.ThreadId, out var before) && reading.IsSameThreadAs(before))
                baseline = before;
            // A thread absent from the previous pass that started before it was missed, not new:
            // without its baseline its whole lifetime would count as this interval's. Leave it out.
            else if (reading.StartTicks >= 0 && reading.StartTicks + 1 < previous.StartBootTicks)
                continue;

            string processName = ProcessNameOf(reading.ProcessId, current);
            samples.Add(ThreadCpuSampleFactory.Create(reading, baseline, previous.StartTimestamp, processName, clock, sampleTime));
        }
        samples.Sort(static (a, b) =>
        {
            int byCpu = b.CpuPercent.CompareTo(a.CpuPercent);
            if (byCpu != 0) return byCpu;
            int byPid = a.ProcessId.CompareTo(b.ProcessId);
            return byPid != 0 ? byPid : a.ThreadId.CompareTo(b.ThreadId);
        });
        return samples.ToArray();
    }

    private string ProcessNameOf(int pid, ThreadSnapshot snapshot)
    {
        if (snapshot.ProcessNames.TryGetValue(pid, out var name)) return name;
        // The process may have exited since its threads were read: fall back to the leader thread's comm.
        name = _reader.ReadProcessName(pid)
               ?? (snapshot.Threads.TryGetValue(pid, out var leader) ? leader.Name : null)
               ?? "";
        snapshot.ProcessNames[pid] = name;
        return name;
    }

    /// <summary>Closes the /proc directory handle.</summary>
    public void Dispose() => _reader.Dispose();
}
