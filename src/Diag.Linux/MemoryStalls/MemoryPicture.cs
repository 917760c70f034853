namespace Diag.Linux.MemoryStalls;

/// <summary>
/// The machine's memory at the end of Get-MemoryStall's window, what `free`, /proc/zoneinfo and `sysctl vm` would
/// show, with what the kernel did during the window: free memory against the zone watermarks (and the lowest free
/// memory seen), page cache split into clean (dropped at once when memory is needed) and dirty or under writeback (first
/// written to disk), and the settings that decide when reclaim starts and how much dirty data may wait.
/// </summary>
public sealed class MemoryPicture
{
    internal MemoryPicture(MachineMemorySample start, MachineMemorySample end, long? lowestFree, VmSettings settings, TimeSpan window, long pageSize)
    {
        var m = end.MemInfo;
        Window = window;
        TotalBytes = m.Get("MemTotal");
        FreeBytes = m.Get("MemFree");
        LowestFreeBytes = Math.Min(lowestFree ?? FreeBytes, Math.Min(FreeBytes, start.MemInfo["MemFree"] ?? FreeBytes));
        AvailableBytes = m["MemAvailable"];
        PageCacheBytes = m.Get("Active(file)") + m.Get("Inactive(file)");
        DirtyBytes = m.Get("Dirty");
        WritebackBytes = m.Get("Writeback");
        CleanPageCacheBytes = Math.Max(0, PageCacheBytes - DirtyBytes - WritebackBytes);
        SharedMemoryBytes = m.Get("Shmem");
        AnonymousBytes = m.Get("AnonPages");
        SlabReclaimableBytes = m.Get("SReclaimable");
        SwapTotalBytes = m.Get("SwapTotal");
        SwapFreeBytes = m.Get("SwapFree");

        var zones = end.Zones.Where(z => z.ManagedPages > 0).ToArray();
        Zones = zones.Select(z => new MemoryZone(z, pageSize)).ToArray();
        MinWatermarkBytes = zones.Sum(z => z.MinPages + z.BoostPages) * pageSize;
        LowWatermarkBytes = zones.Sum(z => z.LowPages + z.BoostPages) * pageSize;
        HighWatermarkBytes = zones.Sum(z => z.HighPages + z.BoostPages) * pageSize;
        Level = zones.Length == 0 ? null
            : ZoneWatermarks.Classify(FreeBytes, MinWatermarkBytes, LowWatermarkBytes, HighWatermarkBytes).ToString();
        LowestLevel = zones.Length == 0 ? null
            : ZoneWatermarks.Classify(LowestFreeBytes, MinWatermarkBytes, LowWatermarkBytes, HighWatermarkBytes).ToString();

        var v = end.VmStat;
        DirtyThresholdBytes = v["nr_dirty_threshold"] * pageSize;
        DirtyBackgroundThresholdBytes = v["nr_dirty_background_threshold"] * pageSize;
        long? Delta(string name) => end.VmStat[name] is { } b && start.VmStat[name] is { } a ? Math.Max(0, b - a) : null;
        long? DeltaOf(string prefix) => end.VmStat.SumOf(prefix) is { } b && start.VmStat.SumOf(prefix) is { } a ? Math.Max(0, b - a) : null;
        DirectReclaims = DeltaOf("allocstall");
        DirectScannedPages = Delta("pgscan_direct");
        DirectReclaimedPages = Delta("pgsteal_direct");
        KswapdReclaimedPages = Delta("pgsteal_kswapd");
        CompactionStalls = Delta("compact_stall");
        MajorFaults = Delta("pgmajfault");
        RefaultedPages = DeltaOf("workingset_refault");
        SwappedInPages = Delta("pswpin");

        DirtyRatio = settings.DirtyRatio;
        DirtyBackgroundRatio = settings.DirtyBackgroundRatio;
        DirtyBytesSetting = settings.DirtyBytes;
        DirtyBackgroundBytesSetting = settings.DirtyBackgroundBytes;
        MinFreeKbytes = settings.MinFreeKbytes;
        WatermarkScaleFactor = settings.WatermarkScaleFactor;
        VfsCachePressure = settings.VfsCachePressure;
        Swappiness = settings.Swappiness;
        ZoneReclaimMode = settings.ZoneReclaimMode;
        TransparentHugePages = settings.TransparentHugePages;
        TransparentHugePagesDefrag = settings.TransparentHugePagesDefrag;
    }

    /// <summary>The window the activity counters cover.</summary>
    public TimeSpan Window { get; }

    public long TotalBytes { get; }

    /// <summary>Free memory at the end of the window (MemFree).</summary>
    public long FreeBytes { get; }

    /// <summary>The lowest free memory seen during the window (sampled several times a second).</summary>
    public long LowestFreeBytes { get; }

    /// <summary>What the kernel estimates can be allocated without swapping (MemAvailable); null before Linux 3.14.</summary>
    public long? AvailableBytes { get; }

    /// <summary>File pages on the LRU lists (Active(file) + Inactive(file)): the page cache reclaim can take, tmpfs excluded.</summary>
    public long PageCacheBytes { get; }

    /// <summary>Page cache that can be dropped at once: <see cref="PageCacheBytes"/> minus dirty and writeback pages.</summary>
    public long CleanPageCacheBytes { get; }

    /// <summary>Modified file data not yet written (Dirty): reclaim must write it before it can reuse the pages.</summary>
    public long DirtyBytes { get; }

    /// <summary>File data being written now (Writeback): reclaim waits for it.</summary>
    public long WritebackBytes { get; }

    /// <summary>tmpfs and shared memory (Shmem): counted as cache by `free`, but only swap can free it.</summary>
    public long SharedMemoryBytes { get; }

    /// <summary>Anonymous memory of processes (AnonPages): only swap can free it.</summary>
    public long AnonymousBytes { get; }

    /// <summary>Reclaimable kernel caches (dentries, inodes: SReclaimable), weighed by vm.vfs_cache_pressure.</summary>
    public long SlabReclaimableBytes { get; }

    public long SwapTotalBytes { get; }
    public long SwapFreeBytes { get; }

    /// <summary>The zones' min watermarks summed (with any boost): below it allocations reclaim directly.</summary>
    public long MinWatermarkBytes { get; }

    /// <summary>The zones' low watermarks summed: below it kswapd reclaims in the background.</summary>
    public long LowWatermarkBytes { get; }

    /// <summary>The zones' high watermarks summed: where kswapd stops.</summary>
    public long HighWatermarkBytes { get; }

    /// <summary>Free memory against the summed watermarks at the end: BelowMin, BelowLow, BelowHigh or AboveHigh.</summary>
    public string? Level { get; }

    /// <summary>The same for <see cref="LowestFreeBytes"/>: how low free memory went during the window.</summary>
    public string? LowestLevel { get; }

    /// <summary>Each zone with managed memory.</summary>
    public Output.ItemList<MemoryZone> Zones { get; }

    /// <summary>How much dirty data makes writers wait (the kernel's nr_dirty_threshold), in bytes.</summary>
    public long? DirtyThresholdBytes { get; }

    /// <summary>How much dirty data starts background writeback (nr_dirty_background_threshold), in bytes.</summary>
    public long? DirtyBackgroundThresholdBytes { get; }

    /// <summary>Direct reclaims machine-wide during the window (allocstall_*; cgroup-limit reclaim is not among them).</summary>
    public long? DirectReclaims { get; }

    /// <summary>Pages scanned and reclaimed by direct reclaim during the window (pgscan_direct, pgsteal_direct).</summary>
    public long? DirectScannedPages { get; }
    public long? DirectReclaimedPages { get; }

    /// <summary>Pages kswapd reclaimed in the background during the window (pgsteal_kswapd).</summary>
    public long? KswapdReclaimedPages { get; }

    /// <summary>Allocations that compacted memory directly during the window (compact_stall).</summary>
    public long? CompactionStalls { get; }

    /// <summary>Page faults that read from disk during the window, machine-wide (pgmajfault).</summary>
    public long? MajorFaults { get; }

    /// <summary>Evicted pages read back soon after (workingset_refault_*): the working set does not fit.</summary>
    public long? RefaultedPages { get; }

    /// <summary>Pages read back from swap during the window (pswpin).</summary>
    public long? SwappedInPages { get; }

    /// <summary>vm.dirty_ratio and vm.dirty_background_ratio, in percent of dirtyable memory (0 when the *_bytes form is set).</summary>
    public long? DirtyRatio { get; }
    public long? DirtyBackgroundRatio { get; }

    /// <summary>vm.dirty_bytes and vm.dirty_background_bytes (0: the ratio applies).</summary>
    public long? DirtyBytesSetting { get; }
    public long? DirtyBackgroundBytesSetting { get; }

    /// <summary>vm.min_free_kbytes: the memory the min watermarks keep free, in KiB.</summary>
    public long? MinFreeKbytes { get; }

    /// <summary>vm.watermark_scale_factor: the gap between the watermarks, in 1/10000 of memory.</summary>
    public long? WatermarkScaleFactor { get; }

    /// <summary>vm.vfs_cache_pressure: how hard reclaim takes dentries and inodes against page cache (100: alike).</summary>
    public long? VfsCachePressure { get; }

    /// <summary>vm.swappiness: how readily reclaim swaps anonymous memory against dropping page cache.</summary>
    public long? Swappiness { get; }

    /// <summary>vm.zone_reclaim_mode: non-zero makes allocations reclaim on their own NUMA node before using another.</summary>
    public long? ZoneReclaimMode { get; }

    /// <summary>Transparent huge pages (always, madvise, never) and their defrag mode (always makes faults compact directly).</summary>
    public string? TransparentHugePages { get; }
    public string? TransparentHugePagesDefrag { get; }

    public override string ToString() =>
        $"free {StallText.Bytes(FreeBytes)} ({Level}; low watermark {StallText.Bytes(LowWatermarkBytes)}), page cache {StallText.Bytes(PageCacheBytes)} " +
        $"({StallText.Bytes(CleanPageCacheBytes)} clean, {StallText.Bytes(DirtyBytes)} dirty, {StallText.Bytes(WritebackBytes)} writeback)";
}
