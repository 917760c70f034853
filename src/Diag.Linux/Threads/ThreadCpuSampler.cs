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
    private readonly Kernel.SyscallRateCounter? _syscalls;
    private readonly string? _syscallsUnusedReason;

    /// <summary>Creates a sampler over the /proc under <paramref name="rootPath"/> ("/" normally; tests
    /// point it at a fixture tree). Throws <see cref="SyscallException"/> when that /proc cannot be opened.</summary>
    public ThreadCpuSampler(ThreadSelection selection, string rootPath = "/")
        : this(selection, rootPath, ThreadSources.TaskIterator)
    {
    }

    /// <summary><paramref name="sources"/> caps the ways threads are read (tests and the benchmark force the
    /// taskstats or /proc path even where the task iterator is allowed).</summary>
    internal ThreadCpuSampler(ThreadSelection selection, string rootPath, ThreadSources sources, bool countSyscalls = true)
    {
        _selection = selection ?? throw new ArgumentNullException(nameof(selection));
        bool filter = selection.Processes.ProcessIds is not null;
        _reader = new ThreadSnapshotReader(rootPath, sources, filter);
        if (!countSyscalls || sources < ThreadSources.TaskIterator) _syscallsUnusedReason = "not asked for";
        else if (Path.GetFullPath(rootPath) != "/") _syscallsUnusedReason = "the /proc read is not the live one";
        else
        {
            _syscalls = Kernel.SyscallRateCounter.TryStart(filter, out _syscallsUnusedReason);
            foreach (int pid in selection.Processes.ProcessIds ?? []) _syscalls?.AddProcess(pid);
        }
    }

    /// <summary>True when each thread's system calls are counted in the kernel over each interval.</summary>
    internal bool CountsSyscalls => _syscalls is not null;

    /// <summary>Whether and how system calls are counted, in one sentence for a user (verbose output).</summary>
    public string SyscallCountDescription => _syscalls is not null
        ? "System calls are counted per thread in the kernel over each interval (a program on raw_syscalls:sys_enter, while the sample runs; every system call on the machine passes the tracepoint meanwhile): a thread on a CPU shows the call it made most and how often (TopSyscall, TopSyscallPerSecond)."
        : $"System calls are not counted ({_syscallsUnusedReason}): a thread on a CPU shows only 'running' (CurrentSyscall), the kernel cannot say more without counting.";

    /// <summary>True when thread counters come from the kernel's taskstats interface (root without BPF).</summary>
    internal bool UsesTaskstats => _reader.UsesTaskstats;

    /// <summary>True when each pass is one pass of a BPF task iterator.</summary>
    internal bool UsesTaskIterator => _reader.UsesTaskIterator;

    /// <summary>Where the counters come from and why, in one sentence for a user (verbose output).</summary>
    public string SourceDescription =>
        _reader.UsesTaskIterator
            ? "Threads are read by a BPF task iterator (root, or CAP_BPF and CAP_PERFMON): every field of every thread in one pass through the kernel's task list, run time to the nanosecond, no file per thread."
        : _reader.UsesTaskstats
            ? $"Thread counters come from taskstats netlink (root or CAP_NET_ADMIN): run time to the nanosecond, one batched query per thread instead of three /proc files. The BPF task iterator is not used: {_reader.IteratorUnusedReason}."
            : $"Thread counters come from /proc (stat, schedstat, status): the BPF task iterator is not used ({_reader.IteratorUnusedReason}), nor taskstats ({_reader.TaskstatsUnusedReason}); as root it would halve the cost. Run time is to the nanosecond from schedstat, or in 10 ms clock ticks where the kernel has no schedstat (the CpuTimeSource property says which).";

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

        if (_syscalls is not null)
        {
            // Processes found by name or as all processes are counted unfiltered; a thread ID given as a process
            // ID resolved to its process here.
            foreach (var reading in previous.Threads.Values) _syscalls.AddProcess(reading.ProcessId);
            _syscalls.Take(); // the counts start with the interval
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
            var counts = _syscalls?.Take();
            var samples = BuildSamples(previous, current, counts);
            yield return new ThreadCpuBatch(n, samples,
                n == 1 ? missing.ToArray() : Array.Empty<int>(),
                n == 1 ? unmatched : Array.Empty<int>(),
                current.DeniedProcessIds,
                System.Diagnostics.Stopwatch.GetElapsedTime(readStart),
                counts?.Lost ?? 0);
            (previous, current) = (current, previous);
        }
    }

    private ThreadCpuSample[] BuildSamples(ThreadSnapshot previous, ThreadSnapshot current, Kernel.SyscallCounts? counts)
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
            samples.Add(ThreadCpuSampleFactory.Create(reading, baseline, previous.StartTimestamp, processName, clock, sampleTime, counts));
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

    /// <summary>Closes the /proc directory handle and detaches the kernel programs.</summary>
    public void Dispose()
    {
        _syscalls?.Dispose();
        _reader.Dispose();
    }
}
