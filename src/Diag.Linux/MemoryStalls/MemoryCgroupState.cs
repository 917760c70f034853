namespace Diag.Linux.MemoryStalls;

/// <summary>
/// A process's memory cgroup over Get-MemoryStall's window: its limit and how close usage is, how much of it is page
/// cache (which limit reclaim takes first, charged to whoever read or wrote the files), how often usage hit the limit
/// during the window, the protections that reserve memory for it (cgroup v2 memory.min and memory.low) and its pressure
/// (the v2 cgroup's memory.pressure; cgroup v1 has none: see <see cref="PressureNote"/>).
/// </summary>
public sealed class MemoryCgroupState
{
    internal MemoryCgroupState(CgroupMemorySample start, CgroupMemorySample end, TimeSpan window)
    {
        Path = end.Memory?.Path ?? end.Location.V2?.Path;
        Version = end.Version;
        LimitBytes = end.LimitBytes;
        LimitPath = end.LimitPath;
        UsageBytes = end.UsageBytes;
        UsagePercent = LimitBytes is > 0 && UsageBytes is { } usage ? Math.Round(100.0 * usage / LimitBytes.Value, 1) : null;
        PageCacheBytes = end.PageCacheBytes;
        DirtyBytes = end.DirtyBytes;
        WritebackBytes = end.WritebackBytes;
        HighBytes = end.HighBytes;
        ProtectedMinBytes = end.MinBytes;
        ProtectedLowBytes = end.LowBytes;
        LimitHits = end.LimitHits is { } b && start.LimitHits is { } a ? Math.Max(0, b - a) : null;
        HighHits = end.HighHits is { } hb && start.HighHits is { } ha ? Math.Max(0, hb - ha) : null;
        OomKills = end.OomKills is { } kb && start.OomKills is { } ka ? Math.Max(0, kb - ka) : null;
        Pressure = start.Pressure is { } p0 && end.Pressure is { } p1 && end.PressurePath is { } scope ? new MemoryPressure(scope, window, p0, p1) : null;
        PressureNote = Pressure is null ? end.PressureNote ?? start.PressureNote : null;
    }

    /// <summary>The memory cgroup as /proc/PID/cgroup names it (the v2 cgroup when there is no memory controller).</summary>
    public string? Path { get; }

    /// <summary>1 or 2: the cgroup version of the memory controller; null when the process is in no memory cgroup.</summary>
    public int? Version { get; }

    /// <summary>The lowest memory limit on the way to the root (memory.max, memory.limit_in_bytes); null when none is set.</summary>
    public long? LimitBytes { get; }

    /// <summary>Where that limit is set.</summary>
    public string? LimitPath { get; }

    /// <summary>Memory charged to the cgroup, page cache included.</summary>
    public long? UsageBytes { get; }

    /// <summary><see cref="UsageBytes"/> in percent of <see cref="LimitBytes"/>.</summary>
    public double? UsagePercent { get; }

    /// <summary>Page cache charged to the cgroup (v1 total_cache, v2 file).</summary>
    public long? PageCacheBytes { get; }

    /// <summary>Of it, dirty and under writeback.</summary>
    public long? DirtyBytes { get; }
    public long? WritebackBytes { get; }

    /// <summary>cgroup v2 memory.high: above it the cgroup's tasks reclaim and are throttled; null when unset (max) or v1.</summary>
    public long? HighBytes { get; }

    /// <summary>cgroup v2 memory.min and memory.low: memory reclaim leaves to the cgroup (hard and best-effort); null on v1.</summary>
    public long? ProtectedMinBytes { get; }
    public long? ProtectedLowBytes { get; }

    /// <summary>Times usage hit the limit during the window (v1 memory.failcnt, v2 memory.events max).</summary>
    public long? LimitHits { get; }

    /// <summary>Times usage went over memory.high during the window (v2).</summary>
    public long? HighHits { get; }

    /// <summary>Processes the OOM killer killed under the limit during the window.</summary>
    public long? OomKills { get; }

    /// <summary>The pressure of the process's v2 cgroup over the window; null when there is none (see <see cref="PressureNote"/>).</summary>
    public MemoryPressure? Pressure { get; }

    /// <summary>Why <see cref="Pressure"/> is missing: cgroup v1, the root cgroup, a kernel without PSI.</summary>
    public string? PressureNote { get; }

    public override string ToString() =>
        $"{Path ?? "(no memory cgroup)"}: " + (LimitBytes is { } limit
            ? $"{StallText.Bytes(UsageBytes ?? 0)} of {StallText.Bytes(limit)} limit ({LimitPath})"
            : $"{StallText.Bytes(UsageBytes ?? 0)}, no limit")
        + (PageCacheBytes is { } cache ? $", page cache {StallText.Bytes(cache)}" : "")
        + (LimitHits is > 0 ? $", limit hit {LimitHits} times" : "");
}
