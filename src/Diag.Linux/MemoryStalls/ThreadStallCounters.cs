using L = Diag.Linux.MemoryStalls.ReclaimStallLayout;

namespace Diag.Linux.MemoryStalls;

/// <summary>What the stall programs counted for one thread (or, summed over CPUs, for the machine): times in ns and µs as
/// the kernel keeps them. <see cref="Minus"/> turns two readings into a window's counts.</summary>
internal readonly record struct ThreadStallCounters(int ThreadGroup, long DirectNanoseconds, long DirectCount, long CgroupNanoseconds,
    long CgroupCount, long ReclaimedPages, long CompactionNanoseconds, long CompactionCount, long ThrottledMicroseconds,
    long WritebackThrottledMicroseconds, long LongestNanoseconds, long LongestEpoch)
{
    public static ThreadStallCounters Decode(byte[] value) => new(BitConverter.ToInt32(value, L.ThreadGroup),
        U64(value, L.DirectNanoseconds), U64(value, L.DirectCount), U64(value, L.CgroupNanoseconds), U64(value, L.CgroupCount),
        U64(value, L.ReclaimedPages), U64(value, L.CompactionNanoseconds), U64(value, L.CompactionCount), U64(value, L.ThrottledMicroseconds),
        U64(value, L.WritebackThrottledMicroseconds), U64(value, L.LongestNanoseconds), U64(value, L.LongestEpoch));

    private static long U64(byte[] value, int offset) => (long)BitConverter.ToUInt64(value, offset);

    /// <summary>The counts since <paramref name="earlier"/>; the longest stall is the one of this window when it was
    /// recorded in <paramref name="epoch"/> (the window's), else 0 (none ended in the window, or it was not the longest).</summary>
    public ThreadStallCounters Minus(ThreadStallCounters earlier, long epoch) => new(ThreadGroup,
        DirectNanoseconds - earlier.DirectNanoseconds, DirectCount - earlier.DirectCount,
        CgroupNanoseconds - earlier.CgroupNanoseconds, CgroupCount - earlier.CgroupCount,
        ReclaimedPages - earlier.ReclaimedPages, CompactionNanoseconds - earlier.CompactionNanoseconds,
        CompactionCount - earlier.CompactionCount, ThrottledMicroseconds - earlier.ThrottledMicroseconds,
        WritebackThrottledMicroseconds - earlier.WritebackThrottledMicroseconds,
        LongestEpoch >= epoch ? LongestNanoseconds : 0, LongestEpoch);

    public long ReclaimCount => DirectCount + CgroupCount;

    public long StallCount => DirectCount + CgroupCount + CompactionCount;

    public bool IsEmpty => StallCount == 0;
}
