namespace Diag.Linux.Neighbors;

/// <summary>
/// A neighbour entry's state (the kernel's NUD_* states, linux/neighbour.h), as <c>ip neigh</c> prints them. Windows
/// PowerShell's Get-NetNeighbor calls Failed "Unreachable".
/// </summary>
/// <remarks>Values start at 1, so that every value is true in PowerShell.</remarks>
public enum NeighborState
{
    /// <summary>Being resolved: requests sent, no answer yet; packets to it wait in a queue.</summary>
    Incomplete = 1,

    /// <summary>Resolved and confirmed recently.</summary>
    Reachable,

    /// <summary>Resolved, not confirmed lately; still used, and checked when next used.</summary>
    Stale,

    /// <summary>Used while stale: the kernel waits briefly for a confirmation before probing.</summary>
    Delay,

    /// <summary>Being confirmed with unicast probes.</summary>
    Probe,

    /// <summary>Resolution failed: no answer to the last requests; packets to it are dropped.</summary>
    Failed,

    /// <summary>No resolution needed (loopback, point-to-point, multicast); <c>ip neigh</c> hides these.</summary>
    NoArp,

    /// <summary>Set by hand (<c>ip neigh add … nud permanent</c>): never resolved or expired.</summary>
    Permanent,

    /// <summary>Just created, or being removed.</summary>
    None,
}
