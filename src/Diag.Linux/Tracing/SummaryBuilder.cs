using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.Output;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Tracing;

/// <summary>Turns the tracer's counters into <see cref="SyscallSummary"/> rows, busiest first.</summary>
internal static class SummaryBuilder
{
    public static IReadOnlyList<SyscallSummary> Build(IReadOnlyCollection<SyscallCounters> counters, bool byThread, TraceBackend backend)
    {
        var rows = new List<(int? Pid, int? Tid, int Number, CallCounter Counter)>();
        if (byThread)
        {
            foreach (var bucket in counters)
                foreach (var (number, counter) in bucket.Entries())
                    rows.Add((bucket.ProcessId, bucket.ThreadId, number, counter));
        }
        else
        {
            // One row per syscall; it names the process only when a single process made the calls.
            var merged = new SortedDictionary<int, CallCounter>();
            var processes = new HashSet<int>();
            foreach (var bucket in counters)
                foreach (var (number, counter) in bucket.Entries())
                {
                    processes.Add(bucket.ProcessId);
                    if (!merged.TryGetValue(number, out var total))
                        merged[number] = total = new CallCounter();
                    total.Merge(counter);
                }
            int? pid = processes.Count == 1 ? processes.First() : null;
            foreach (var (number, counter) in merged)
                rows.Add((pid, null, number, counter));
        }

        double allTicks = 0;
        foreach (var row in rows)
            allTicks += row.Counter.TotalTicks;
        return rows
            .Select(r => ToSummary(r.Pid, r.Tid, r.Number, r.Counter, allTicks, backend))
            .OrderByDescending(s => s.TotalTime)
            .ThenByDescending(s => s.Calls)
            .ThenBy(s => s.Syscall, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Stopwatch ticks (nanoseconds on Linux) as a TimeSpan.</summary>
    public static TimeSpan ToTimeSpan(long stopwatchTicks) =>
        TimeSpan.FromTicks((long)(stopwatchTicks * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)));

    /// <summary>Stopwatch ticks as nanoseconds (the same number on Linux).</summary>
    public static long ToNanoseconds(long stopwatchTicks) =>
        Stopwatch.Frequency == 1_000_000_000 ? stopwatchTicks : (long)(stopwatchTicks * (1e9 / Stopwatch.Frequency));

    /// <summary>Nanoseconds as Stopwatch ticks (the same number on Linux).</summary>
    public static long FromNanoseconds(long nanoseconds) =>
        Stopwatch.Frequency == 1_000_000_000 ? nanoseconds : (long)(nanoseconds * (Stopwatch.Frequency / 1e9));

    private static SyscallSummary ToSummary(int? pid, int? tid, int number, CallCounter c, double allTicks, TraceBackend backend)
    {
        var errors = c.ErrorsByErrno is null
            ? []
            : c.ErrorsByErrno
                .OrderByDescending(e => e.Value).ThenBy(e => e.Key)
                .Select(e => new ErrnoCount(Errno.GetName(e.Key), e.Value))
                .ToArray();
        return new SyscallSummary
        {
            Syscall = SyscallTable.GetName(number),
            Number = number,
            ProcessId = pid,
            ThreadId = tid,
            Calls = c.Calls,
            Errors = c.Errors,
            ErrorCounts = errors,
            ErrorBreakdown = string.Join(' ', errors.Select(e => e.Error + "=" + e.Count.ToString(CultureInfo.InvariantCulture))),
            TotalTime = ToTimeSpan(c.TotalTicks),
            AverageTime = c.Calls == 0 ? TimeSpan.Zero : ToTimeSpan(c.TotalTicks / c.Calls),
            MaxTime = ToTimeSpan(c.MaxTicks),
            TimePercent = allTicks > 0 ? 100.0 * c.TotalTicks / allTicks : 0,
            LatencyHistogram = LatencyBucket.FromCounts(c.Histogram),
            BackendValue = backend,
        };
    }
}
