namespace Diag.Linux.Memory;

/// <summary>One read of one process: its mappings (or the problem that prevented reading them) and notes on what
/// could not be told (each said once by the cmdlet, as a warning).</summary>
public sealed class MemoryMapResult
{
    internal MemoryMapResult(int processId, string processName, ProcessMemorySnapshot? snapshot, MemoryMapProblem? problem, IReadOnlyList<string> notes)
    {
        ProcessId = processId;
        ProcessName = processName;
        Snapshot = snapshot;
        Problem = problem;
        Notes = notes;
    }

    public int ProcessId { get; }
    public string ProcessName { get; }

    /// <summary>Null when the map was read.</summary>
    public MemoryMapProblem? Problem { get; }

    /// <summary>What could not be told, e.g. threads' stacks not attributed without ptrace access.</summary>
    public IReadOnlyList<string> Notes { get; }

    internal ProcessMemorySnapshot? Snapshot { get; }

    /// <summary>One object per mapping, in address order.</summary>
    public IReadOnlyList<MemoryRegion> Regions() => Snapshot is null ? [] : MemoryRegions.Build(Snapshot);

    /// <summary>One row per kind present (largest RSS first) and the process's summary.</summary>
    public (IReadOnlyList<MemoryKindTotal> Kinds, ProcessMemorySummary Summary)? Summary() =>
        Snapshot is null ? null : MemorySummaryBuilder.Build(Snapshot);
}
