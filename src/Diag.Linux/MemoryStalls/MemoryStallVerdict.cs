namespace Diag.Linux.MemoryStalls;

/// <summary>How badly memory held the threads up during the window.</summary>
internal enum MemoryStallVerdict
{
    /// <summary>No measured stall, no pressure.</summary>
    NoStall,

    /// <summary>Some stall time or pressure, below the thresholds of <see cref="Stalling"/>.</summary>
    Minor,

    /// <summary>At least 10% of the window in stalls (summed over the threads), a single stall of 100 ms or more, or
    /// (where no thread could be measured) full pressure of 5% or more.</summary>
    Stalling,
}

/// <summary>What the stalls come from, by the time each kind took.</summary>
internal enum MemoryStallCause
{
    /// <summary>Nothing stalled.</summary>
    None,

    /// <summary>Direct reclaim with free memory at the watermarks while much of memory is clean page cache (files written
    /// or read earlier): each allocation first drops cache.</summary>
    PageCache,

    /// <summary>Reclaim waiting for dirty pages to be written back before their memory can be reused.</summary>
    DirtyWriteback,

    /// <summary>Reclaim in the thread's cgroup, which is at its memory limit (or over memory.high).</summary>
    CgroupLimit,

    /// <summary>Direct compaction: allocations of contiguous memory (transparent huge pages) moving pages first.</summary>
    Compaction,

    /// <summary>Waits for evicted pages of the working set read back from disk: memory is too small for what runs.</summary>
    Thrashing,

    /// <summary>Waits for pages read back from swap.</summary>
    SwapIn,

    /// <summary>Direct reclaim with little page cache left to drop: memory is short.</summary>
    MemoryShortage,
}
