using System.Management.Automation;
using Diag.Linux.Interop;
using Diag.Linux.Neighbors;

namespace Diag.Commands.Infrastructure;

/// <summary>Get-NetNeighbor's errors, from the engine's problems.</summary>
internal static class NeighborErrors
{
    public static DiagError NoEntry(NeighborProblem problem) => new(
        new ItemNotFoundException($"No neighbour entry for {problem.Target}: {problem.Detail}."),
        "NetNeighborNotFound", ErrorCategory.ObjectNotFound, problem.Target,
        "Look at every entry with Get-NetNeighbor -State Incomplete, Failed, Stale, Reachable; the table statistics (res_failed, unresolved_discards) with Get-NetNeighbor -Statistics.");

    public static DiagError ReadFailed(NeighborProblem problem) => new(
        new InvalidOperationException($"The neighbour table of {problem.Target} could not be read: {problem.Detail}."),
        "NetNeighborReadFailed," + Errno.GetName(problem.Errno), DiagError.CategoryOf(problem.Errno), problem.Target);

    public static DiagError BadAddress(string text, string problem) => new(
        new ArgumentException(problem + "."),
        "InvalidIPAddress", ErrorCategory.InvalidArgument, text,
        "Give addresses (10.0.0.5, fe80::1) or prefixes (10.0.0.0/24).");
}
