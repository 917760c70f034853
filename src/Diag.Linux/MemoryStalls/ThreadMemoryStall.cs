namespace Diag.Linux.MemoryStalls;

/// <summary>
/// One thread's memory stalls during Get-MemoryStall's window, as bcc's drsnoop measures them (each stall from its begin
/// to its end tracepoint, in the thread itself): time reclaiming memory directly because free memory was short
/// (<see cref="DirectReclaimTime"/>) or because its cgroup was at its limit (<see cref="CgroupReclaimTime"/>), time
/// compacting memory for a contiguous allocation, how much of the reclaim was spent waiting for dirty pages to be
/// written back, the longest single stall and a stall still going on at the end of the window; with delay accounting,
/// the kernel's own per-thread delays beside them; and its major faults (page faults that read from disk).
/// A time is null when its source was not available (no privilege for eBPF, delay accounting off).
/// </summary>
public sealed class ThreadMemoryStall
{
    internal ThreadMemoryStall() { }

    public int ProcessId { get; internal init; }
    public string ProcessName { get; internal init; } = "";
    public int ThreadId { get; internal init; }
    public string ThreadName { get; internal init; } = "";

    /// <summary>A kernel thread (kworker…): it has no program of its own but can stall allocating for one.</summary>
    public bool IsKernelThread { get; internal init; }

    /// <summary>The window the counts cover.</summary>
    public TimeSpan Window { get; internal init; }

    /// <summary>All the thread's memory stall time in the window: reclaim and compaction (eBPF, else delay accounting),
    /// plus thrashing and swap-in delays where delay accounting is on; null when nothing could measure it.</summary>
    public TimeSpan? StallTime { get; internal init; }

    /// <summary><see cref="StallTime"/> as a share of the window, in percent.</summary>
    public double? StallPercent { get; internal init; }

    /// <summary>Reclaim of either kind (eBPF).</summary>
    public TimeSpan? ReclaimTime { get; internal init; }

    /// <summary>Direct reclaim: the allocation found free memory below the min watermark and reclaimed itself.</summary>
    public TimeSpan? DirectReclaimTime { get; internal init; }

    /// <summary>Cgroup limit reclaim: a charge found the cgroup at its limit (or over memory.high) and reclaimed in it.</summary>
    public TimeSpan? CgroupReclaimTime { get; internal init; }

    /// <summary>Reclaims (of either kind) that ended in the window.</summary>
    public long? ReclaimCount { get; internal init; }

    /// <summary>Pages those reclaims freed.</summary>
    public long? ReclaimedPages { get; internal init; }

    /// <summary>Of the reclaim time, the part throttled waiting for dirty pages to be written back (Linux 5.16+).</summary>
    public TimeSpan? WritebackWaitTime { get; internal init; }

    /// <summary>Direct compaction: an allocation (often a transparent huge page) moved pages to make a contiguous block.</summary>
    public TimeSpan? CompactionTime { get; internal init; }

    public long? CompactionCount { get; internal init; }

    /// <summary>The longest single reclaim or compaction that ended in the window.</summary>
    public TimeSpan? LongestStall { get; internal init; }

    /// <summary>A stall going on when the window ended: how long it had lasted (it is not in the times above yet).</summary>
    public TimeSpan? CurrentStall { get; internal init; }

    /// <summary>What that stall is: DirectReclaim, CgroupReclaim or Compaction.</summary>
    public string? CurrentStallKind { get; internal init; }

    /// <summary>Page faults that had to read from disk or swap during the window (/proc/PID/task/TID/stat).</summary>
    public long MajorFaults { get; internal init; }

    /// <summary>Delay accounting (taskstats): waits to reclaim free pages (direct reclaim, as the kernel times it).</summary>
    public TimeSpan? ReclaimDelay { get; internal init; }

    /// <summary>Delay accounting: waits for pages of the working set that had been evicted (thrashing).</summary>
    public TimeSpan? ThrashingDelay { get; internal init; }

    /// <summary>Delay accounting: waits for memory compaction.</summary>
    public TimeSpan? CompactionDelay { get; internal init; }

    /// <summary>Delay accounting: waits to read pages back from swap.</summary>
    public TimeSpan? SwapInDelay { get; internal init; }

    /// <summary>Delay accounting: waits for block I/O, including the reads of major faults (and of read() calls).</summary>
    public TimeSpan? BlockIoDelay { get; internal init; }

    public override string ToString() =>
        $"{ProcessName} ({ProcessId}) thread {ThreadId} {ThreadName}: " +
        (StallTime is { } stall ? $"{StallText.Seconds(stall)} stalled" : "stalls not measured") +
        (ReclaimCount is > 0 ? $", {ReclaimCount} reclaims" : "") +
        (CompactionCount is > 0 ? $", {CompactionCount} compactions" : "") +
        (CurrentStall is { } now ? $", in {CurrentStallKind} for {StallText.Seconds(now)}" : "") +
        $", {MajorFaults} major faults";
}
