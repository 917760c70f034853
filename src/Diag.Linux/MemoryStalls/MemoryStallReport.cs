using Diag.Linux.Output;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// Get-MemoryStall's answer for one process (or for the whole machine) over one window: how long its threads were
/// stalled by memory and on what, the verdict and cause in one word each, the diagnosis in a sentence or two with what to
/// do, and everything it rests on: each stalled thread (<see cref="Threads"/>), the process's memory cgroup, the
/// machine's pressure and memory picture. One object per process and window, so that Where-Object, Sort-Object,
/// Export-Csv and Format-Table work on processes; the default view lists the threads and remedies below the diagnosis.
/// </summary>
public sealed class MemoryStallReport
{
    internal MemoryStallReport() { }

    /// <summary>The process; null for the machine-wide report.</summary>
    public int? ProcessId { get; internal init; }

    /// <summary>Its name; null for the machine-wide report.</summary>
    public string? ProcessName { get; internal init; }

    /// <summary>NoStall, Minor or Stalling.</summary>
    public string Verdict => VerdictValue.ToString();

    /// <summary>What the stalls come from: None, PageCache, DirtyWriteback, CgroupLimit, Compaction, Thrashing, SwapIn or MemoryShortage.</summary>
    public string Cause => CauseValue.ToString();

    internal MemoryStallVerdict VerdictValue { get; init; }

    internal MemoryStallCause CauseValue { get; init; }

    /// <summary>When the window ended (local time).</summary>
    public DateTime EndTime { get; internal init; }

    /// <summary>How long the window was.</summary>
    public TimeSpan Window { get; internal init; }

    /// <summary>The stall time of all its threads together (null when no source could measure threads): more than the
    /// window when several threads stalled at once.</summary>
    public TimeSpan? StallTime { get; internal init; }

    /// <summary>Threads that stalled (or faulted pages in from disk) during the window.</summary>
    public int StalledThreadCount { get; internal init; }

    /// <summary>The longest single stall of any of its threads, or one still going on at the end.</summary>
    public TimeSpan? LongestStall { get; internal init; }

    /// <summary>Its threads' time in direct reclaim and in cgroup limit reclaim (eBPF).</summary>
    public TimeSpan? DirectReclaimTime { get; internal init; }
    public TimeSpan? CgroupReclaimTime { get; internal init; }

    /// <summary>Of the reclaim time, waiting for writeback of dirty pages.</summary>
    public TimeSpan? WritebackWaitTime { get; internal init; }

    /// <summary>Its threads' time in direct compaction (eBPF).</summary>
    public TimeSpan? CompactionTime { get; internal init; }

    /// <summary>Its threads' thrashing and swap-in delays (delay accounting).</summary>
    public TimeSpan? ThrashingDelay { get; internal init; }
    public TimeSpan? SwapInDelay { get; internal init; }

    /// <summary>Its threads' page faults that read from disk during the window.</summary>
    public long MajorFaults { get; internal init; }

    /// <summary>Every thread of the machine: time in reclaim (both kinds) and in direct compaction during the window (eBPF),
    /// to weigh this process against the rest.</summary>
    public TimeSpan? MachineReclaimTime { get; internal init; }
    public TimeSpan? MachineCompactionTime { get; internal init; }

    /// <summary>The conclusion, with the figures it rests on.</summary>
    public string Diagnosis { get; internal init; } = "";

    /// <summary>What to do, most useful first; empty when nothing stalled.</summary>
    public ItemList<MemoryRemedy> Remedies { get; internal init; } = ItemList<MemoryRemedy>.Empty;

    /// <summary>The threads that stalled or faulted, most stalled first.</summary>
    public ItemList<ThreadMemoryStall> Threads { get; internal init; } = ItemList<ThreadMemoryStall>.Empty;

    /// <summary>The process's memory cgroup; null for the machine-wide report or when it has none.</summary>
    public MemoryCgroupState? Cgroup { get; internal init; }

    /// <summary>The machine's memory pressure (PSI) over the window; null on kernels without PSI.</summary>
    public MemoryPressure? SystemPressure { get; internal init; }

    /// <summary>The machine's memory at the end of the window, its watermarks and settings, and what reclaim did.</summary>
    public MemoryPicture Memory { get; internal init; } = null!;

    /// <summary>What the figures come from (eBPF tracepoints, delay accounting, PSI, /proc), for the record.</summary>
    public ItemList<string> Sources { get; internal init; } = ItemList<string>.Empty;

    public override string ToString() =>
        (ProcessId is { } pid ? $"{ProcessName} ({pid})" : "machine") + $": {Verdict} ({Cause}) - {Diagnosis}";
}
