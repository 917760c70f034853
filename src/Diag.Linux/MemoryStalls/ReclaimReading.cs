namespace Diag.Linux.MemoryStalls;

/// <summary>One reading of the stall programs' maps: every kept thread's totals, the stalls still open and when each
/// began (CLOCK_MONOTONIC ns, as bpf_ktime_get_ns), the machine's totals, the updates the kernel had no room for, and
/// the monotonic time of the reading.</summary>
internal sealed class ReclaimReading
{
    public required Dictionary<int, ThreadStallCounters> Threads { get; init; }
    public required List<OpenStall> Open { get; init; }
    public required ThreadStallCounters Machine { get; init; }
    public required long[] Lost { get; init; }
    public required long MonotonicNanoseconds { get; init; }
}

/// <summary>A stall in progress: the thread, its process, and when its reclaim or direct compaction began (0: none open).</summary>
internal readonly record struct OpenStall(int ThreadId, int ThreadGroup, long ReclaimStart, int Kind, long CompactionStart);
