namespace Diag.Linux.MemoryStalls;

/// <summary>What the diagnosis of one report rests on: the threads' stall times summed by kind, and the machine's and
/// cgroup's state. Times are zero where nothing was measured; <see cref="Measured"/> says whether anything could be.</summary>
internal sealed class StallFacts
{
    /// <summary>"java (1234)", or null for the machine.</summary>
    public required string? Who { get; init; }
    public string? ProcessName { get; init; }
    public required TimeSpan Window { get; init; }

    /// <summary>Per-thread stall times could be measured (eBPF or delay accounting).</summary>
    public required bool Measured { get; init; }

    /// <summary>Why they could not, when not (for the diagnosis).</summary>
    public string? NotMeasuredReason { get; init; }

    public TimeSpan Direct { get; init; }
    public TimeSpan CgroupReclaim { get; init; }
    public TimeSpan Writeback { get; init; }
    public TimeSpan Compaction { get; init; }
    public TimeSpan Thrashing { get; init; }
    public TimeSpan SwapIn { get; init; }

    /// <summary>Delay accounting's reclaim delay, used only where eBPF did not measure reclaim.</summary>
    public TimeSpan ReclaimDelay { get; init; }
    public TimeSpan CompactionDelay { get; init; }

    public TimeSpan Longest { get; init; }

    /// <summary>The longest stall still going on at the end, and its thread.</summary>
    public ThreadMemoryStall? Current { get; init; }

    public long MajorFaults { get; init; }
    public int StalledThreads { get; init; }

    /// <summary>For the machine: the processes that stalled most, with their stall time.</summary>
    public IReadOnlyList<(string Who, TimeSpan Time)> TopProcesses { get; init; } = [];

    public required MemoryPicture Memory { get; init; }
    public MemoryCgroupState? Cgroup { get; init; }
    public MemoryPressure? SystemPressure { get; init; }

    public TimeSpan Reclaim => Direct + CgroupReclaim > TimeSpan.Zero ? Direct + CgroupReclaim : ReclaimDelay;
    public TimeSpan CompactionOrDelay => Compaction > TimeSpan.Zero ? Compaction : CompactionDelay;
    public TimeSpan Total => Reclaim + CompactionOrDelay + Thrashing + SwapIn;

    /// <summary>The pressure that speaks for this report: the cgroup's when there is one, else the machine's.</summary>
    public MemoryPressure? Pressure => Cgroup?.Pressure ?? SystemPressure;
}
