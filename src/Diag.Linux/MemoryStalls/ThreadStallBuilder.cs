namespace Diag.Linux.MemoryStalls;

/// <summary>
/// Puts one thread's window together from its sources: the stall programs' counts (a delta of two readings), a stall
/// still open at the end, its fault counters and delay-accounting delays (deltas of two /proc and taskstats samples).
/// A source that is off leaves its properties null, never 0.
/// </summary>
internal sealed class ThreadStallBuilder
{
    private readonly TimeSpan _window;
    private readonly bool _traced;
    private readonly bool _delays;

    public ThreadStallBuilder(TimeSpan window, bool traced, bool delays)
    {
        _window = window;
        _traced = traced;
        _delays = delays;
    }

    /// <summary>The thread's stall, or null when nothing happened to it in the window.</summary>
    public ThreadMemoryStall? Build(int pid, int tid, string processName, ThreadStallCounters? counters, OpenStall? open, long nowNanoseconds,
        ThreadActivity? start, ThreadActivity? end)
    {
        var c = counters ?? default;
        var majorFaults = end is { } e ? Math.Max(0, e.MajorFaults - (start?.MajorFaults ?? 0)) : 0;
        DelayTimes? delays = _delays && end?.Delays is { } endDelays ? Delays(start?.Delays, endDelays) : null;

        TimeSpan? current = null;
        string? currentKind = null;
        if (_traced && open is { } o)
        {
            var reclaim = o.ReclaimStart != 0 ? nowNanoseconds - o.ReclaimStart : -1;
            var compaction = o.CompactionStart != 0 ? nowNanoseconds - o.CompactionStart : -1;
            if (reclaim >= 0 || compaction >= 0)
            {
                current = FromNanoseconds(Math.Max(reclaim, compaction));
                currentKind = reclaim >= compaction ? (o.Kind == ReclaimStallLayout.KindCgroup ? "CgroupReclaim" : "DirectReclaim") : "Compaction";
            }
        }

        if (c.IsEmpty && current is null && majorFaults == 0 && (delays is null || delays.Value.IsEmpty)) return null;

        TimeSpan? stall = null;
        if (_traced)
        {
            stall = FromNanoseconds(c.DirectNanoseconds + c.CgroupNanoseconds + c.CompactionNanoseconds);
            if (delays is { } d) stall += d.Thrashing + d.SwapIn;
        }
        else if (delays is { } d)
            stall = d.Reclaim + d.Compaction + d.Thrashing + d.SwapIn;

        return new ThreadMemoryStall
        {
            ProcessId = pid,
            ProcessName = processName,
            ThreadId = tid,
            ThreadName = end?.ThreadName ?? start?.ThreadName ?? "",
            IsKernelThread = end?.IsKernelThread ?? start?.IsKernelThread ?? false,
            Window = _window,
            StallTime = stall,
            StallPercent = stall is { } s && _window > TimeSpan.Zero ? Math.Round(100.0 * s.Ticks / _window.Ticks, 1) : null,
            ReclaimTime = _traced ? FromNanoseconds(c.DirectNanoseconds + c.CgroupNanoseconds) : null,
            DirectReclaimTime = _traced ? FromNanoseconds(c.DirectNanoseconds) : null,
            CgroupReclaimTime = _traced ? FromNanoseconds(c.CgroupNanoseconds) : null,
            ReclaimCount = _traced ? c.ReclaimCount : null,
            ReclaimedPages = _traced ? c.ReclaimedPages : null,
            WritebackWaitTime = _traced ? FromMicroseconds(c.WritebackThrottledMicroseconds) : null,
            CompactionTime = _traced ? FromNanoseconds(c.CompactionNanoseconds) : null,
            CompactionCount = _traced ? c.CompactionCount : null,
            LongestStall = _traced ? FromNanoseconds(c.LongestNanoseconds) : null,
            CurrentStall = current,
            CurrentStallKind = currentKind,
            MajorFaults = majorFaults,
            ReclaimDelay = delays?.Reclaim,
            ThrashingDelay = delays?.Thrashing,
            CompactionDelay = delays?.Compaction,
            SwapInDelay = delays?.SwapIn,
            BlockIoDelay = delays?.BlockIo,
        };
    }

    /// <summary>The delays of the window (all of a thread's delays when it began during the window).</summary>
    private static DelayTimes Delays(Netlink.TaskAccounting? start, Netlink.TaskAccounting end)
    {
        static TimeSpan D(long? b, long? a) => FromNanoseconds(Math.Max(0, (b ?? 0) - (a ?? 0)));
        return new DelayTimes(
            D(end.FreePagesDelayNanoseconds, start?.FreePagesDelayNanoseconds),
            D(end.ThrashingDelayNanoseconds, start?.ThrashingDelayNanoseconds),
            D(end.CompactDelayNanoseconds, start?.CompactDelayNanoseconds),
            D(end.SwapInDelayNanoseconds, start?.SwapInDelayNanoseconds),
            D(end.BlockIoDelayNanoseconds, start?.BlockIoDelayNanoseconds));
    }

    internal static TimeSpan FromNanoseconds(long ns) => TimeSpan.FromTicks(Math.Max(0, ns) / 100);

    internal static TimeSpan FromMicroseconds(long us) => TimeSpan.FromTicks(Math.Max(0, us) * 10);

    private readonly record struct DelayTimes(TimeSpan Reclaim, TimeSpan Thrashing, TimeSpan Compaction, TimeSpan SwapIn, TimeSpan BlockIo)
    {
        // Block I/O alone (read() waits too) does not make a thread a memory stall.
        public bool IsEmpty => Reclaim + Thrashing + Compaction + SwapIn == TimeSpan.Zero;
    }
}
