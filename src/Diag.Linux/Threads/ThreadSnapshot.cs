namespace Diag.Linux.Threads;

/// <summary>All threads one pass over /proc read, keyed by TID, plus the names of their processes.</summary>
internal sealed class ThreadSnapshot
{
    public Dictionary<int, ThreadReading> Threads { get; } = new();

    /// <summary>Process name by PID (full snapshots, and name selection).</summary>
    public Dictionary<int, string> ProcessNames { get; } = new();

    /// <summary>Stopwatch timestamp when the pass began.</summary>
    public long StartTimestamp { get; set; }

    /// <summary>CLOCK_BOOTTIME in clock ticks when the pass began: threads started later are new.</summary>
    public long StartBootTicks { get; set; }

    /// <summary>Processes with threads whose syscall and wchan could not be read (no ptrace access).</summary>
    public HashSet<int> DeniedProcessIds { get; } = new();

    public bool SomeFieldsUnreadable => DeniedProcessIds.Count > 0;

    public void Clear()
    {
        Threads.Clear();
        ProcessNames.Clear();
        DeniedProcessIds.Clear();
    }
}
