namespace Diag.Linux.MemoryStalls;

/// <summary>
/// The byte layout of the values the stall programs keep, shared by the programs that write them and the reader that
/// decodes them. A thread's totals (and, per CPU, the machine's) are u64s:
/// <code>
///  0 u32 tgid, u32 pad       40 pages reclaimed          72 of which waiting for writeback, µs
///  8 direct reclaim, ns      48 compaction, ns           80 longest single stall, ns (threads only)
/// 16 direct reclaims         56 compactions
/// 24 cgroup reclaim, ns      64 reclaim throttled, µs
/// 32 cgroup reclaims                                   88 the window (epoch) of that longest stall
/// </code>
/// A thread's stall in progress (the starts map, by thread id):
/// <code>
///  0 reclaim start, ns (0: none)   16 u32 tgid, u32 kind (1 direct, 2 cgroup)
///  8 compaction start, ns          24 throttled so far in this reclaim, µs   32 of which for writeback, µs
/// </code>
/// </summary>
internal static class ReclaimStallLayout
{
    public const int ValueSize = 96, StartSize = 40;

    public const short ThreadGroup = 0, DirectNanoseconds = 8, DirectCount = 16, CgroupNanoseconds = 24, CgroupCount = 32,
        ReclaimedPages = 40, CompactionNanoseconds = 48, CompactionCount = 56, ThrottledMicroseconds = 64,
        WritebackThrottledMicroseconds = 72, LongestNanoseconds = 80, LongestEpoch = 88;

    /// <summary>Cgroup reclaim's two fields lie this far after direct reclaim's.</summary>
    public const short CgroupShift = CgroupNanoseconds - DirectNanoseconds;

    public const short StartReclaim = 0, StartCompaction = 8, StartThreadGroup = 16, StartKind = 20, StartThrottled = 24, StartWritebackThrottled = 32;

    public const int KindDirect = 1, KindCgroup = 2;

    /// <summary>Slots of the per-CPU lost counters: a thread the per-thread map had no room for, a start the starts map refused.</summary>
    public const int LostThreads = 0, LostStarts = 1, LostSlots = 2;
}
