using System.Globalization;

namespace Diag.Linux.Memory;

/// <summary>
/// The whole of a process's memory (Get-ProcessMemoryMap -Summary, after its kind rows): totals from smaps_rollup,
/// the allocator it uses, its glibc arenas (reserved against resident, MALLOC_ARENA_MAX), its cgroup's memory limit,
/// usage and OOM kills, and what to do when arenas hold much more than the rest of the process uses.
/// </summary>
public sealed class ProcessMemorySummary
{
    internal ProcessMemorySummary(int processId, string processName, int mappingCount, long size, SmapsRollup rollup, MemoryAllocator allocator,
        string? allocatorLibrary, int arenaCount, int arenaHeapCount, bool arenasConfirmed, long arenaReserved, long arenaResident, int arenaLimit,
        string? arenaMaxSetting, CgroupMemory? cgroup, string? recommendation, DateTime timestamp, long? rssGrowth, TimeSpan? interval)
    {
        ProcessId = processId;
        ProcessName = processName;
        MappingCount = mappingCount;
        SizeBytes = size;
        RssBytes = rollup.Rss;
        PssBytes = rollup.Pss;
        PssAnonymousBytes = rollup.PssAnon;
        PssFileBytes = rollup.PssFile;
        PssSharedMemoryBytes = rollup.PssShmem;
        SwapBytes = rollup.Swap;
        LockedBytes = rollup.Locked;
        AllocatorValue = allocator;
        AllocatorLibrary = allocatorLibrary ?? "";
        ArenaCount = arenaCount;
        ArenaHeapCount = arenaHeapCount;
        ArenasConfirmed = arenasConfirmed;
        ArenaReservedBytes = arenaReserved;
        ArenaResidentBytes = arenaResident;
        ArenaLimit = arenaLimit;
        MallocArenaMax = arenaMaxSetting ?? "";
        CgroupPath = cgroup?.Path ?? "";
        CgroupMemoryLimitBytes = cgroup?.LimitBytes;
        CgroupLimitPath = cgroup?.LimitPath ?? "";
        CgroupMemoryUsageBytes = cgroup?.UsageBytes;
        CgroupOomKills = cgroup?.OomKills;
        Recommendation = recommendation ?? "";
        Timestamp = timestamp;
        RssGrowthBytes = rssGrowth;
        Interval = interval;
    }

    public int ProcessId { get; }
    public string ProcessName { get; }
    public int MappingCount { get; }

    /// <summary>Address space mapped (VSZ).</summary>
    public long SizeBytes { get; }

    /// <summary>Resident memory (RSS), from smaps_rollup.</summary>
    public long RssBytes { get; }

    public long PssBytes { get; }
    public long PssAnonymousBytes { get; }
    public long PssFileBytes { get; }
    public long PssSharedMemoryBytes { get; }
    public long SwapBytes { get; }
    public long LockedBytes { get; }

    /// <summary>The malloc in use, told from the mapped libraries.</summary>
    public string Allocator => AllocatorValue.ToString();

    internal MemoryAllocator AllocatorValue { get; }

    /// <summary>The library that provides it.</summary>
    public string AllocatorLibrary { get; }

    /// <summary>glibc thread arenas (not counting the main arena in [heap]).</summary>
    public int ArenaCount { get; }

    /// <summary>Their 64 MiB heaps (more than ArenaCount when an arena outgrew one heap).</summary>
    public int ArenaHeapCount { get; }

    /// <summary>True when the heaps' headers were read from memory; false when arenas were counted from the layout
    /// alone (one per heap), without ptrace access.</summary>
    public bool ArenasConfirmed { get; }

    /// <summary>Address space the arenas reserve (64 MiB per heap).</summary>
    public long ArenaReservedBytes { get; }

    /// <summary>Memory the arenas hold resident: freed memory glibc keeps for reuse counts here.</summary>
    public long ArenaResidentBytes { get; }

    /// <summary>The most arenas glibc will create: MALLOC_ARENA_MAX, or 8 per CPU the process may use.</summary>
    public int ArenaLimit { get; }

    /// <summary>MALLOC_ARENA_MAX or glibc.malloc.arena_max as set in the process's environment; empty when unset or
    /// the environment could not be read.</summary>
    public string MallocArenaMax { get; }

    /// <summary>The process's memory cgroup.</summary>
    public string CgroupPath { get; }

    /// <summary>The lowest memory limit on its cgroup path (memory.max, memory.limit_in_bytes); null: none.</summary>
    public long? CgroupMemoryLimitBytes { get; }

    /// <summary>The cgroup that sets that limit.</summary>
    public string CgroupLimitPath { get; }

    /// <summary>The memory charged to its cgroup (page cache included).</summary>
    public long? CgroupMemoryUsageBytes { get; }

    /// <summary>Processes the OOM killer killed under that limit.</summary>
    public long? CgroupOomKills { get; }

    /// <summary>What to do, when the arenas or the cgroup call for it; empty otherwise.</summary>
    public string Recommendation { get; }

    public DateTime Timestamp { get; }

    /// <summary>With -Interval or -Continuous: RSS now minus before.</summary>
    public long? RssGrowthBytes { get; }

    /// <summary>With -Interval or -Continuous: the time between the snapshots.</summary>
    public TimeSpan? Interval { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{ProcessName} ({ProcessId}): RSS {CoreDumps.ByteSize.Format(RssBytes)}, {Allocator}, {ArenaCount} arenas holding {CoreDumps.ByteSize.Format(ArenaResidentBytes)} of {CoreDumps.ByteSize.Format(ArenaReservedBytes)} reserved") +
        (Recommendation.Length > 0 ? ". " + Recommendation : "");
}
