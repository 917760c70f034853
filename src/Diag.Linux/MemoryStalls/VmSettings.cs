using System.Globalization;

namespace Diag.Linux.MemoryStalls;

/// <summary>The sysctls and transparent-huge-page settings that decide how early the kernel reclaims, how much dirty
/// data may wait for writeback and how hard allocations compact, read from /proc/sys/vm and /sys/kernel/mm.</summary>
internal sealed class VmSettings
{
    public long? DirtyRatio { get; private init; }
    public long? DirtyBackgroundRatio { get; private init; }
    public long? DirtyBytes { get; private init; }
    public long? DirtyBackgroundBytes { get; private init; }
    public long? MinFreeKbytes { get; private init; }
    public long? WatermarkScaleFactor { get; private init; }
    public long? WatermarkBoostFactor { get; private init; }
    public long? VfsCachePressure { get; private init; }
    public long? Swappiness { get; private init; }
    public long? ZoneReclaimMode { get; private init; }

    /// <summary>The selected word of /sys/kernel/mm/transparent_hugepage/enabled ("always", "madvise", "never").</summary>
    public string? TransparentHugePages { get; private init; }

    /// <summary>The selected word of …/transparent_hugepage/defrag ("always" makes page faults compact directly).</summary>
    public string? TransparentHugePagesDefrag { get; private init; }

    public static VmSettings Read(string root)
    {
        long? Sysctl(string name) => long.TryParse(ReadText(root, "/proc/sys/vm/" + name)?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
        return new VmSettings
        {
            DirtyRatio = Sysctl("dirty_ratio"),
            DirtyBackgroundRatio = Sysctl("dirty_background_ratio"),
            DirtyBytes = Sysctl("dirty_bytes"),
            DirtyBackgroundBytes = Sysctl("dirty_background_bytes"),
            MinFreeKbytes = Sysctl("min_free_kbytes"),
            WatermarkScaleFactor = Sysctl("watermark_scale_factor"),
            WatermarkBoostFactor = Sysctl("watermark_boost_factor"),
            VfsCachePressure = Sysctl("vfs_cache_pressure"),
            Swappiness = Sysctl("swappiness"),
            ZoneReclaimMode = Sysctl("zone_reclaim_mode"),
            TransparentHugePages = Selected(ReadText(root, "/sys/kernel/mm/transparent_hugepage/enabled")),
            TransparentHugePagesDefrag = Selected(ReadText(root, "/sys/kernel/mm/transparent_hugepage/defrag")),
        };
    }

    /// <summary>"always defer defer+madvise [madvise] never" → "madvise".</summary>
    internal static string? Selected(string? text)
    {
        if (text is null) return null;
        int open = text.IndexOf('['), close = text.IndexOf(']');
        return open >= 0 && close > open ? text[(open + 1)..close] : null;
    }

    private static string? ReadText(string root, string path) => ProcFs.CgroupLocation.ReadText(ProcFs.CgroupLocation.Combine(root, path));
}
