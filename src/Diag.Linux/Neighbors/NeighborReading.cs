namespace Diag.Linux.Neighbors;

/// <summary>What one Get-NetNeighbor call found: entries (or tables, with -Statistics) and problems, in order.</summary>
public sealed class NeighborReading
{
    internal NeighborReading(IReadOnlyList<NetNeighbor> neighbors, IReadOnlyList<NeighborTableStatistics> tables, IReadOnlyList<NeighborProblem> problems, IReadOnlyList<string> notes)
    {
        Neighbors = neighbors;
        Tables = tables;
        Problems = problems;
        Notes = notes;
    }

    /// <summary>What was read where, for -Verbose.</summary>
    public IReadOnlyList<string> Notes { get; }

    public IReadOnlyList<NetNeighbor> Neighbors { get; }

    public IReadOnlyList<NeighborTableStatistics> Tables { get; }

    public IReadOnlyList<NeighborProblem> Problems { get; }
}
