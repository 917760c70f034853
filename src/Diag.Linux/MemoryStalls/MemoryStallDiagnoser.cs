using System.Globalization;
using System.Text;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// Turns a report's facts into its verdict, cause and diagnosis: which kind of stall took the time, and what in the
/// memory picture explains it, in the words of the incident it exists for ("java (1234) threads spent 2.8 s of the last
/// 5 s in direct reclaim; free memory is below the low watermark while 21 GiB is clean page cache").
/// </summary>
internal static class MemoryStallDiagnoser
{
    /// <summary>Stalling from this share of the window (threads' stall time summed)...</summary>
    public const double StallingShare = 0.10;

    /// <summary>...or from one stall this long (a GC pause, a request timed out).</summary>
    public static readonly TimeSpan StallingSingle = TimeSpan.FromMilliseconds(100);

    /// <summary>Where no thread could be measured: stalling from this much full pressure (percent of the window).</summary>
    public const double StallingFullPressure = 5;

    /// <summary>Reclaim is called waiting for writeback when at least this share of it was.</summary>
    public const double WritebackShare = 0.30;

    /// <summary>Page cache is "a lot" from this share of memory (or 1 GiB).</summary>
    public const double PageCacheShare = 0.25;

    public static (MemoryStallVerdict Verdict, MemoryStallCause Cause, string Diagnosis) Diagnose(StallFacts f)
    {
        var verdict = Verdict(f);
        var cause = verdict == MemoryStallVerdict.NoStall ? MemoryStallCause.None : Cause(f);
        return (verdict, cause, Text(f, verdict, cause));
    }

    private static MemoryStallVerdict Verdict(StallFacts f)
    {
        var longest = Max(f.Longest, f.Current?.CurrentStall ?? TimeSpan.Zero);
        if (f.Measured)
        {
            if (f.Total.Ticks >= StallingShare * f.Window.Ticks || longest >= StallingSingle) return MemoryStallVerdict.Stalling;
            if (f.Total > TimeSpan.Zero || longest > TimeSpan.Zero) return MemoryStallVerdict.Minor;
        }
        else if (f.Pressure is { } p)
        {
            if ((p.FullPercent ?? 0) >= StallingFullPressure) return MemoryStallVerdict.Stalling;
        }
        return f.Pressure is { SomePercent: > 0 } ? MemoryStallVerdict.Minor : MemoryStallVerdict.NoStall;
    }

    private static MemoryStallCause Cause(StallFacts f)
    {
        var m = f.Memory;
        if (!f.Measured || f.Total == TimeSpan.Zero)
        {
            // Only the machine's counters to go by.
            if (m.CompactionStalls > 0 && (m.DirectReclaims ?? 0) == 0) return MemoryStallCause.Compaction;
            if (m.SwappedInPages > 0) return MemoryStallCause.SwapIn;
            if (m.DirectReclaims > 0) return ManyCleanPages(m) ? MemoryStallCause.PageCache : MemoryStallCause.MemoryShortage;
            if (f.Cgroup is { LimitHits: > 0 }) return MemoryStallCause.CgroupLimit;
            if (m.RefaultedPages > 0) return MemoryStallCause.Thrashing;
            return ManyCleanPages(m) ? MemoryStallCause.PageCache : MemoryStallCause.MemoryShortage;
        }
        var reclaim = f.Reclaim;
        var largest = new[] { reclaim, f.CompactionOrDelay, f.Thrashing, f.SwapIn }.Max();
        if (largest == f.CompactionOrDelay && f.CompactionOrDelay > reclaim) return MemoryStallCause.Compaction;
        if (largest == f.Thrashing && f.Thrashing > reclaim) return MemoryStallCause.Thrashing;
        if (largest == f.SwapIn && f.SwapIn > reclaim) return MemoryStallCause.SwapIn;
        if (f.Writeback.Ticks >= WritebackShare * Math.Max(1, reclaim.Ticks)) return MemoryStallCause.DirtyWriteback;
        if (f.CgroupReclaim > f.Direct) return MemoryStallCause.CgroupLimit;
        return ManyCleanPages(m) ? MemoryStallCause.PageCache : MemoryStallCause.MemoryShortage;
    }

    internal static bool ManyCleanPages(MemoryPicture m) =>
        m.CleanPageCacheBytes >= Math.Min(1L << 30, (long)(PageCacheShare * m.TotalBytes));

    private static string Text(StallFacts f, MemoryStallVerdict verdict, MemoryStallCause cause)
    {
        var text = new StringBuilder();
        var who = f.Who ?? "The machine's";
        var window = StallText.Seconds(f.Window);
        if (!f.Measured)
        {
            text.Append(CultureInfo.InvariantCulture, $"{who} threads could not be timed ({f.NotMeasuredReason ?? "no per-thread source"})");
        }
        else if (f.Total > TimeSpan.Zero)
        {
            text.Append(CultureInfo.InvariantCulture, $"{who} threads spent {StallText.Seconds(f.Total)} of the last {window} in {Kinds(f)}");
            if (f.StalledThreads > 1) text.Append(CultureInfo.InvariantCulture, $" ({f.StalledThreads} threads; the longest single stall {StallText.Seconds(f.Longest)})");
            else if (f.Longest > TimeSpan.Zero && f.Longest < f.Total) text.Append(CultureInfo.InvariantCulture, $" (the longest single stall {StallText.Seconds(f.Longest)})");
            if (f.Who is null && f.TopProcesses.Count > 0)
                text.Append(": ").Append(string.Join(", ", f.TopProcesses.Select(p => $"{p.Who} {StallText.Seconds(p.Time)}")));
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"No thread of {(f.Who is null ? "the machine" : f.Who)} stalled on memory in the last {window}");
        }
        if (f.Current is { CurrentStall: { } now } current)
            text.Append(CultureInfo.InvariantCulture,
                $"; thread {current.ThreadId} ({current.ThreadName}{(f.Who is null ? $" of {current.ProcessName} ({current.ProcessId})" : "")}) has been in {KindName(current.CurrentStallKind)} for {StallText.Seconds(now)} and still is");
        text.Append("; ").Append(Memory(f, cause)).Append('.');
        if (f.Pressure is { } p)
            text.Append(CultureInfo.InvariantCulture, $" Memory pressure over the window: some {StallText.Percent(p.SomePercent)}")
                .Append(p.FullPercent is { } full ? ", full " + StallText.Percent(full) : "")
                .Append(f.Cgroup?.Pressure is not null ? $" in cgroup {p.Scope}." : f.Who is not null && f.Cgroup?.PressureNote is not null ? " on the machine (the process's cgroup has no pressure file)." : " on the machine.");
        if (f.MajorFaults > 0)
            text.Append(CultureInfo.InvariantCulture, $" {f.MajorFaults} page faults had to read from disk.");
        return text.ToString();
    }

    /// <summary>"direct reclaim (2.6 s) and direct compaction (0.2 s)", largest first; one kind alone without its time.</summary>
    private static string Kinds(StallFacts f)
    {
        var kinds = new List<(string Name, TimeSpan Time)>();
        if (f.Direct > TimeSpan.Zero) kinds.Add(("direct reclaim", f.Direct));
        if (f.CgroupReclaim > TimeSpan.Zero) kinds.Add(("reclaim at their cgroup's memory limit", f.CgroupReclaim));
        if (f.Direct + f.CgroupReclaim == TimeSpan.Zero && f.ReclaimDelay > TimeSpan.Zero) kinds.Add(("reclaiming memory", f.ReclaimDelay));
        if (f.CompactionOrDelay > TimeSpan.Zero) kinds.Add(("direct compaction", f.CompactionOrDelay));
        if (f.Thrashing > TimeSpan.Zero) kinds.Add(("re-reading evicted pages (thrashing)", f.Thrashing));
        if (f.SwapIn > TimeSpan.Zero) kinds.Add(("swap-in", f.SwapIn));
        kinds.Sort((a, b) => b.Time.CompareTo(a.Time));
        var parts = kinds.Count == 1 ? [kinds[0].Name] : kinds.Select(k => $"{k.Name} ({StallText.Seconds(k.Time)})").ToList();
        var joined = parts.Count <= 1 ? string.Concat(parts) : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];
        if (f.Writeback > TimeSpan.Zero)
            joined += $", {StallText.Seconds(f.Writeback)} of it waiting for dirty pages to be written back";
        return joined;
    }

    private static string KindName(string? kind) => kind switch
    {
        "CgroupReclaim" => "reclaim at its cgroup's limit",
        "Compaction" => "direct compaction",
        _ => "direct reclaim",
    };

    /// <summary>The sentence about memory that explains the cause.</summary>
    private static string Memory(StallFacts f, MemoryStallCause cause)
    {
        var m = f.Memory;
        var level = Level(m);
        switch (cause)
        {
            case MemoryStallCause.PageCache:
                return $"{level} while {StallText.Bytes(m.CleanPageCacheBytes)} is clean page cache";
            case MemoryStallCause.DirtyWriteback:
                return $"{StallText.Bytes(m.DirtyBytes)} is dirty and {StallText.Bytes(m.WritebackBytes)} under writeback" +
                       (m.DirtyThresholdBytes is { } t ? $" (writers are held at {StallText.Bytes(t)}: {DirtySetting(m)})" : "") + $"; {level}";
            case MemoryStallCause.CgroupLimit when f.Cgroup is { } c:
                return (c.LimitBytes is { } limit
                    ? $"their cgroup {c.Path} is at its memory limit: {StallText.Bytes(c.UsageBytes ?? 0)} of {StallText.Bytes(limit)}" + (c.LimitPath != c.Path ? $" (set on {c.LimitPath})" : "")
                    : $"their cgroup {c.Path} reclaims over its memory.high") +
                       (c.PageCacheBytes is { } cache ? $", {StallText.Bytes(cache)} of it page cache" : "") +
                       (c.LimitHits is > 0 ? $"; usage hit the limit {c.LimitHits} times in the window" : "");
            case MemoryStallCause.CgroupLimit:
                return $"reclaim happened in cgroups at their limit; {level}";
            case MemoryStallCause.Compaction:
                return $"allocations needed contiguous memory (transparent huge pages {m.TransparentHugePages ?? "?"}, defrag {m.TransparentHugePagesDefrag ?? "?"}) and {Uncapital(level)}";
            case MemoryStallCause.Thrashing:
                return (m.RefaultedPages is > 0 ? $"{m.RefaultedPages} evicted pages were read back during the window: " : "") + "the working set does not fit in memory; " + level;
            case MemoryStallCause.SwapIn:
                return (m.SwappedInPages is > 0 ? $"{m.SwappedInPages} pages were read back from swap; " : "") + level;
            case MemoryStallCause.MemoryShortage:
                return $"{level}, and only {StallText.Bytes(m.CleanPageCacheBytes)} of clean page cache is left to drop ({StallText.Bytes(m.AnonymousBytes)} is process memory): memory is short";
            default:
                return $"{level}; {StallText.Bytes(m.CleanPageCacheBytes)} is clean page cache";
        }
    }

    /// <summary>Where free memory stands against the watermarks, now or at its lowest during the window.</summary>
    private static string Level(MemoryPicture m)
    {
        if (m.Level is nameof(WatermarkLevel.BelowMin))
            return $"free memory is below the min watermark ({StallText.Bytes(m.FreeBytes)} < {StallText.Bytes(m.MinWatermarkBytes)})";
        if (m.Level is nameof(WatermarkLevel.BelowLow))
            return $"free memory is below the low watermark ({StallText.Bytes(m.FreeBytes)} < {StallText.Bytes(m.LowWatermarkBytes)})";
        if (m.LowestLevel is nameof(WatermarkLevel.BelowMin) or nameof(WatermarkLevel.BelowLow))
            return $"free memory fell to {StallText.Bytes(m.LowestFreeBytes)}, below the {(m.LowestLevel == nameof(WatermarkLevel.BelowMin) ? "min" : "low")} watermark " +
                   $"({StallText.Bytes(m.LowestLevel == nameof(WatermarkLevel.BelowMin) ? m.MinWatermarkBytes : m.LowWatermarkBytes)}), and is {StallText.Bytes(m.FreeBytes)} now";
        return $"free memory is {StallText.Bytes(m.FreeBytes)}, above the low watermark ({StallText.Bytes(m.LowWatermarkBytes)})";
    }

    internal static string DirtySetting(MemoryPicture m) => m.DirtyBytesSetting is > 0
        ? $"vm.dirty_bytes {StallText.Bytes(m.DirtyBytesSetting.Value)}"
        : $"vm.dirty_ratio {m.DirtyRatio}%";

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Uncapital(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];
}
