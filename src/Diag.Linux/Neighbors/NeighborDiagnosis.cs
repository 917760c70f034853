namespace Diag.Linux.Neighbors;

/// <summary>What a neighbour entry means for connections to it.</summary>
/// <remarks>Values start at 1, so that every value is true in PowerShell.</remarks>
public enum NeighborDiagnosis
{
    /// <summary>Packets go out now.</summary>
    Ok = 1,

    /// <summary>In use and being confirmed (Delay, Probe): packets still go out.</summary>
    Confirming,

    /// <summary>Being resolved (Incomplete): packets, and connects, wait for an answer.</summary>
    Resolving,

    /// <summary>Resolution failed (Failed): packets are dropped and connects fail with "No route to host".</summary>
    Unresolved,
}
