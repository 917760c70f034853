namespace Diag.Linux.Conntrack;

/// <summary>Test-ConntrackCapacity's conclusion for one network namespace.</summary>
/// <remarks>Values start at 1, so that every value is true in PowerShell.</remarks>
public enum ConntrackVerdict
{
    /// <summary>Room to spare, nothing dropped.</summary>
    Ok = 1,

    /// <summary>Nothing dropped during the sample, but the table is filling up or dropped before.</summary>
    AtRisk,

    /// <summary>Packets are being dropped because of the table (full, insert races, chains too long).</summary>
    Dropping,

    /// <summary>Connection tracking holds nothing and counted nothing in this namespace (no rule uses it).</summary>
    Idle,
}
