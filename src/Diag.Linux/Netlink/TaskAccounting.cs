using System.Buffers.Binary;

namespace Diag.Linux.Netlink;

/// <summary>
/// One thread's counters from a taskstats reply (<c>struct taskstats</c>, linux/taskstats.h), read by
/// offset. <see cref="Errno"/> is 0 when the counters are valid, else why the query failed (ESRCH: the
/// thread is gone).
/// </summary>
internal readonly struct TaskAccounting
{
    // Offsets in struct taskstats (x86_64 and every LP64 ABI: the struct has explicit 8-byte alignment).
    private const int BlockIoCountOffset = 32, BlockIoDelayOffset = 40, SwapInCountOffset = 48, SwapInDelayOffset = 56,
        FreePagesCountOffset = 312, FreePagesDelayOffset = 320, ThrashingCountOffset = 328, ThrashingDelayOffset = 336,
        CompactCountOffset = 352, CompactDelayOffset = 360;
    private const int VersionOffset = 0, RunVirtualTotalOffset = 72, ElapsedOffset = 144, UserTimeOffset = 152,
        SystemTimeOffset = 160, MinorFaultsOffset = 168, MajorFaultsOffset = 176, VoluntaryOffset = 272, InvoluntaryOffset = 280;

    /// <summary>The kernel fills everything read here since TASKSTATS_VERSION 4 (Linux 2.6.2x);
    /// the last field read ends at byte 288.</summary>
    public const int MinimumVersion = 4, MinimumLength = InvoluntaryOffset + 8;

    public int Errno { get; init; }

    /// <summary>The scheduler's nanosecond run time, sum_exec_runtime (cpu_run_virtual_total: the same
    /// number schedstat's first field shows; cpu_run_real_total is utime + stime, tick-sampled).</summary>
    public long RunNanoseconds { get; init; }

    /// <summary>Time since the thread started (ac_etime), µs.</summary>
    public long ElapsedMicroseconds { get; init; }

    /// <summary>User and system time (ac_utime, ac_stime), µs, sampled at each scheduler tick.</summary>
    public long UserMicroseconds { get; init; }
    public long SystemMicroseconds { get; init; }
    public long MinorFaults { get; init; }
    public long MajorFaults { get; init; }
    public long VoluntaryContextSwitches { get; init; }
    public long InvoluntaryContextSwitches { get; init; }

    /// <summary>Delay accounting (linux/taskstats.h, Documentation/accounting/delay-accounting.rst): how long the thread
    /// waited, in ns, and how often, for block I/O (including page faults that read from disk), swap-in, reclaiming free
    /// pages (direct reclaim), refaulting pages evicted from its working set (thrashing) and memory compaction. All zero
    /// while delay accounting is off (kernel.task_delayacct = 0, the default since Linux 5.14); null when this kernel's
    /// struct taskstats is too old to have the field (thrashing: version 9, compaction: version 11).</summary>
    public long BlockIoDelayNanoseconds { get; init; }
    public long BlockIoCount { get; init; }
    public long SwapInDelayNanoseconds { get; init; }
    public long SwapInCount { get; init; }
    public long? FreePagesDelayNanoseconds { get; init; }
    public long? FreePagesCount { get; init; }
    public long? ThrashingDelayNanoseconds { get; init; }
    public long? ThrashingCount { get; init; }
    public long? CompactDelayNanoseconds { get; init; }
    public long? CompactCount { get; init; }

    public static TaskAccounting Failed(int errno) => new() { Errno = errno };

    /// <summary>Reads the TASKSTATS_TYPE_STATS payload; false when it is older or shorter than what is read here.</summary>
    public static bool TryParse(ReadOnlySpan<byte> stats, out TaskAccounting accounting)
    {
        accounting = default;
        if (stats.Length < MinimumLength || BinaryPrimitives.ReadUInt16LittleEndian(stats[VersionOffset..]) < MinimumVersion) return false;
        accounting = new TaskAccounting
        {
            RunNanoseconds = U64(stats, RunVirtualTotalOffset),
            ElapsedMicroseconds = U64(stats, ElapsedOffset),
            UserMicroseconds = U64(stats, UserTimeOffset),
            SystemMicroseconds = U64(stats, SystemTimeOffset),
            MinorFaults = U64(stats, MinorFaultsOffset),
            MajorFaults = U64(stats, MajorFaultsOffset),
            VoluntaryContextSwitches = U64(stats, VoluntaryOffset),
            InvoluntaryContextSwitches = U64(stats, InvoluntaryOffset),
            BlockIoCount = U64(stats, BlockIoCountOffset),
            BlockIoDelayNanoseconds = U64(stats, BlockIoDelayOffset),
            SwapInCount = U64(stats, SwapInCountOffset),
            SwapInDelayNanoseconds = U64(stats, SwapInDelayOffset),
            FreePagesCount = Optional(stats, FreePagesCountOffset),
            FreePagesDelayNanoseconds = Optional(stats, FreePagesDelayOffset),
            ThrashingCount = Optional(stats, ThrashingCountOffset),
            ThrashingDelayNanoseconds = Optional(stats, ThrashingDelayOffset),
            CompactCount = Optional(stats, CompactCountOffset),
            CompactDelayNanoseconds = Optional(stats, CompactDelayOffset),
        };
        return true;
    }

    /// <summary>A field the struct may be too short to have (the kernel sends its own sizeof(struct taskstats)).</summary>
    private static long? Optional(ReadOnlySpan<byte> stats, int offset) => stats.Length >= offset + 8 ? U64(stats, offset) : null;

    private static long U64(ReadOnlySpan<byte> stats, int offset) => (long)BinaryPrimitives.ReadUInt64LittleEndian(stats[offset..]);
}
