namespace Diag.Linux.Memory;

/// <summary>Everything read of one process at one moment: its mappings and what they are, the kernel's totals, and
/// the facts the summary needs (allocator, arena limit, cgroup).</summary>
internal sealed class ProcessMemorySnapshot
{
    public required int ProcessId { get; init; }
    public required string ProcessName { get; init; }
    public required SmapsSnapshot Smaps { get; init; }
    public required MemoryLayout Layout { get; init; }
    public required SmapsRollup Rollup { get; init; }
    public required MemoryAllocator Allocator { get; init; }
    public string? AllocatorLibrary { get; init; }
    public required MallocSettings Malloc { get; init; }
    public CgroupMemory? Cgroup { get; init; }
    public required DateTime Timestamp { get; init; }

    /// <summary>When it was read, for the interval between snapshots.</summary>
    public required long StopwatchTimestamp { get; init; }
}
