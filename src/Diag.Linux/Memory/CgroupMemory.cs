using System.Globalization;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Memory;

/// <summary>
/// The memory limit that applies to a process's cgroup, its usage and how often the OOM killer acted there.
/// cgroup v2: memory.max (the lowest along the path to the root applies), memory.current, memory.events oom_kill;
/// cgroup v1: memory.limit_in_bytes, memory.usage_in_bytes, memory.oom_control oom_kill. The cgroup is located by
/// <see cref="CgroupLocation"/>, so hybrid layouts (v1 memory next to a v2 tree) are found.
/// </summary>
internal sealed class CgroupMemory
{
    private CgroupMemory(int version, string path, long? limitBytes, string? limitPath, long? usageBytes, long? oomKills)
    {
        Version = version;
        Path = path;
        LimitBytes = limitBytes;
        LimitPath = limitPath;
        UsageBytes = usageBytes;
        OomKills = oomKills;
    }

    /// <summary>1 or 2.</summary>
    public int Version { get; }

    /// <summary>The process's cgroup, as /proc/PID/cgroup names it.</summary>
    public string Path { get; }

    /// <summary>The lowest limit on the way to the root; null when none is set.</summary>
    public long? LimitBytes { get; }

    /// <summary>The cgroup that sets <see cref="LimitBytes"/>.</summary>
    public string? LimitPath { get; }

    /// <summary>Memory charged to the process's cgroup (page cache included, as the OOM killer counts it).</summary>
    public long? UsageBytes { get; }

    /// <summary>Processes the OOM killer killed in the limiting cgroup (and below it).</summary>
    public long? OomKills { get; }

    /// <summary>cgroup v1 writes "no limit" as the largest page-aligned value (9223372036854771712).</summary>
    internal const long UnlimitedV1 = long.MaxValue - 4096;

    /// <summary>Reads the memory cgroup of <paramref name="pid"/> under <paramref name="root"/>; null when the process
    /// has none (no memory controller) or is gone.</summary>
    public static CgroupMemory? Read(string root, int pid)
    {
        var location = CgroupLocation.Read(root, pid);
        if (location?.MemoryV1 is { } v1) return ReadV1(root, v1);
        if (location is { V2HasMemoryController: true, V2: { } v2 }) return ReadV2(root, v2);
        return null;
    }

    /// <summary>The lowest limit set on <paramref name="cgroup"/> or an ancestor (each applies), and where it is set.</summary>
    internal static (long? Limit, CgroupDirectory? Where) LowestLimit(string root, CgroupDirectory cgroup, int version)
    {
        long? limit = null;
        CgroupDirectory? where = null;
        foreach (var dir in cgroup.SelfAndAncestors())
        {
            // v2: the root has no memory.max; v1: with use_hierarchy (always on since 5.x) an ancestor's limit applies too.
            var value = version == 2 ? Number(CgroupLocation.ReadText(dir.File(root, "memory.max")))
                : Number(CgroupLocation.ReadText(dir.File(root, "memory.limit_in_bytes"))) is { } v and < UnlimitedV1 ? v : null;
            if (value is { } max && (limit is null || max < limit))
            {
                limit = max;
                where = dir;
            }
        }
        return (limit, where);
    }

    private static CgroupMemory ReadV2(string root, CgroupDirectory cgroup)
    {
        var (limit, where) = LowestLimit(root, cgroup, 2);
        var usage = Number(CgroupLocation.ReadText(cgroup.File(root, "memory.current")));
        var events = CgroupLocation.ReadText((where ?? cgroup).File(root, "memory.events"));
        return new CgroupMemory(2, cgroup.Path, limit, PathOf(where), usage, Field(events, "oom_kill"));
    }

    private static CgroupMemory ReadV1(string root, CgroupDirectory cgroup)
    {
        var (limit, where) = LowestLimit(root, cgroup, 1);
        var usage = Number(CgroupLocation.ReadText(cgroup.File(root, "memory.usage_in_bytes")));
        var control = CgroupLocation.ReadText((where ?? cgroup).File(root, "memory.oom_control"));
        return new CgroupMemory(1, cgroup.Path, limit, PathOf(where), usage, Field(control, "oom_kill"));
    }

    /// <summary>Where a limit is set, as the hierarchy below its mount names it ("/" for the mount's root).</summary>
    private static string? PathOf(CgroupDirectory? where) => where is { } w ? (w.IsRoot ? "/" : w.Relative) : null;

    internal static long? Number(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The value of <paramref name="key"/> in a flat keyed file ("oom_kill 2" lines: memory.events, memory.stat).</summary>
    internal static long? Field(string? text, string key)
    {
        foreach (var line in (text ?? "").Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key) return Number(parts[1]);
        }
        return null;
    }
}
