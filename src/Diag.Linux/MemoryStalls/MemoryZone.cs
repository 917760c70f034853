namespace Diag.Linux.MemoryStalls;

/// <summary>One memory zone (DMA, DMA32, Normal… of a NUMA node) at the end of the window: its free memory and the
/// watermarks that decide when kswapd reclaims in the background and when an allocation must reclaim itself.</summary>
public sealed class MemoryZone
{
    internal MemoryZone(ZoneWatermarks zone, long pageSize)
    {
        Node = zone.Node;
        Zone = zone.Zone;
        FreeBytes = zone.FreePages * pageSize;
        MinWatermarkBytes = zone.MinPages * pageSize;
        LowWatermarkBytes = zone.LowPages * pageSize;
        HighWatermarkBytes = zone.HighPages * pageSize;
        BoostBytes = zone.BoostPages * pageSize;
        ManagedBytes = zone.ManagedPages * pageSize;
        Level = zone.Level.ToString();
    }

    /// <summary>The NUMA node.</summary>
    public int Node { get; }

    /// <summary>The zone's name: DMA, DMA32, Normal, Movable…</summary>
    public string Zone { get; }

    public long FreeBytes { get; }

    /// <summary>Below this, allocations reclaim directly: the stall.</summary>
    public long MinWatermarkBytes { get; }

    /// <summary>Below this, kswapd wakes and reclaims in the background.</summary>
    public long LowWatermarkBytes { get; }

    /// <summary>kswapd stops reclaiming above this.</summary>
    public long HighWatermarkBytes { get; }

    /// <summary>A temporary raise of all three watermarks after fragmentation (vm.watermark_boost_factor).</summary>
    public long BoostBytes { get; }

    /// <summary>Memory the page allocator manages in this zone.</summary>
    public long ManagedBytes { get; }

    /// <summary>BelowMin, BelowLow, BelowHigh or AboveHigh (boost included).</summary>
    public string Level { get; }

    public override string ToString() =>
        $"node {Node} {Zone}: free {StallText.Bytes(FreeBytes)} (min {StallText.Bytes(MinWatermarkBytes)}, low {StallText.Bytes(LowWatermarkBytes)}, high {StallText.Bytes(HighWatermarkBytes)}) {Level}";
}
