using Diag.Linux.Output;

namespace Diag.Linux.MemoryStalls;

/// <summary>Sums a report's threads by kind of stall, has <see cref="MemoryStallDiagnoser"/> judge them, and assembles
/// the report with its remedies.</summary>
internal static class StallReportBuilder
{
    public static MemoryStallReport Build(int? pid, string? name, IReadOnlyList<ThreadMemoryStall> threads, bool measured, string? notMeasuredReason,
        TimeSpan window, DateTime endTime, MemoryPicture memory, MemoryPressure? systemPressure, MemoryCgroupState? cgroup,
        ThreadStallCounters? machine, bool traced, IReadOnlyList<string> sources)
    {
        var ordered = threads
            .OrderByDescending(t => t.StallTime ?? TimeSpan.Zero)
            .ThenByDescending(t => t.CurrentStall ?? TimeSpan.Zero)
            .ThenByDescending(t => t.MajorFaults)
            .ThenBy(t => t.ThreadId)
            .ToArray();
        TimeSpan Sum(Func<ThreadMemoryStall, TimeSpan?> of) => threads.Aggregate(TimeSpan.Zero, (s, t) => s + (of(t) ?? TimeSpan.Zero));
        var current = threads.Where(t => t.CurrentStall is not null).MaxBy(t => t.CurrentStall);
        var longest = threads.Select(t => t.LongestStall ?? TimeSpan.Zero).DefaultIfEmpty().Max();
        var top = pid is null
            ? threads.GroupBy(t => (t.ProcessId, t.ProcessName))
                .Select(g => ($"{g.Key.ProcessName} ({g.Key.ProcessId})", g.Aggregate(TimeSpan.Zero, (s, t) => s + (t.StallTime ?? TimeSpan.Zero))))
                .Where(p => p.Item2 > TimeSpan.Zero).OrderByDescending(p => p.Item2).Take(3).ToArray()
            : [];
        var facts = new StallFacts
        {
            Who = pid is { } p ? $"{name} ({p})" : null,
            ProcessName = name,
            Window = window,
            Measured = measured,
            NotMeasuredReason = notMeasuredReason,
            Direct = Sum(t => t.DirectReclaimTime),
            CgroupReclaim = Sum(t => t.CgroupReclaimTime),
            Writeback = Sum(t => t.WritebackWaitTime),
            Compaction = Sum(t => t.CompactionTime),
            Thrashing = Sum(t => t.ThrashingDelay),
            SwapIn = Sum(t => t.SwapInDelay),
            ReclaimDelay = traced ? TimeSpan.Zero : Sum(t => t.ReclaimDelay),
            CompactionDelay = traced ? TimeSpan.Zero : Sum(t => t.CompactionDelay),
            Longest = longest,
            Current = current,
            MajorFaults = threads.Sum(t => t.MajorFaults),
            StalledThreads = threads.Count(t => t.StallTime > TimeSpan.Zero || t.CurrentStall is not null),
            TopProcesses = top,
            Memory = memory,
            Cgroup = cgroup,
            SystemPressure = systemPressure,
        };
        var (verdict, cause, diagnosis) = MemoryStallDiagnoser.Diagnose(facts);
        var longestOrCurrent = current?.CurrentStall is { } now && now > longest ? now : longest;
        return new MemoryStallReport
        {
            ProcessId = pid,
            ProcessName = name,
            VerdictValue = verdict,
            CauseValue = cause,
            EndTime = endTime,
            Window = window,
            StallTime = measured ? facts.Total : null,
            StalledThreadCount = ordered.Length,
            LongestStall = traced ? longestOrCurrent : null,
            DirectReclaimTime = traced ? facts.Direct : null,
            CgroupReclaimTime = traced ? facts.CgroupReclaim : null,
            WritebackWaitTime = traced ? facts.Writeback : null,
            CompactionTime = traced ? facts.Compaction : null,
            ThrashingDelay = threads.Any(t => t.ThrashingDelay is not null) ? facts.Thrashing : null,
            SwapInDelay = threads.Any(t => t.SwapInDelay is not null) ? facts.SwapIn : null,
            MajorFaults = facts.MajorFaults,
            MachineReclaimTime = machine is { } m ? ThreadStallBuilder.FromNanoseconds(m.DirectNanoseconds + m.CgroupNanoseconds) : null,
            MachineCompactionTime = machine is { } mc ? ThreadStallBuilder.FromNanoseconds(mc.CompactionNanoseconds) : null,
            Diagnosis = diagnosis,
            Remedies = verdict == MemoryStallVerdict.NoStall ? ItemList<MemoryRemedy>.Empty : ItemList.Of(MemoryStallRemedies.For(cause, facts)),
            Threads = ordered,
            Cgroup = cgroup,
            SystemPressure = systemPressure,
            Memory = memory,
            Sources = ItemList.Of(sources),
        };
    }
}
