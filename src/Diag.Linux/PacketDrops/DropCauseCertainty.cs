namespace Diag.Linux.PacketDrops;

/// <summary>How sure the <see cref="PacketDropCause"/> is.</summary>
public enum DropCauseCertainty
{
    /// <summary>No cause finer than the reason (Unclassified).</summary>
    Unknown,

    /// <summary>Inferred from state read just after the drop: the conntrack table's fill, with no counter to confirm it
    /// (the first netfilter drop seen in that namespace on that CPU, or a kernel without conntrack statistics).</summary>
    Likely,

    /// <summary>The kernel says so: the reason names it, or conntrack's drop counter on that CPU moved (or did not)
    /// with this very drop.</summary>
    Confirmed,
}
