namespace Diag.Linux.PacketDrops;

/// <summary>
/// Which drops to report, all of it evaluated in the kernel before a drop costs anything more than the tracepoint and
/// a few comparisons. Each list left empty matches everything; the lists combine with AND, the items of one list with
/// OR. Addresses and ports match the source or the destination.
/// </summary>
public sealed class DropFilter
{
    /// <summary>Addresses or networks (source or destination).</summary>
    public IReadOnlyList<AddressPrefix> Addresses { get; init; } = [];

    /// <summary>Ports, 1 to 65535 (TCP, UDP, SCTP, UDP-Lite; source or destination).</summary>
    public IReadOnlyList<int> Ports { get; init; } = [];

    public IReadOnlyList<IpProtocol> Protocols { get; init; } = [];

    /// <summary>Reason names to report (the kernel's, as <see cref="DropReasons.Names"/> lists them); empty: every reason
    /// but <see cref="ExcludedReasons"/>.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>Reason names never to report; by default the frees that are not drops (<see cref="DropReasons.NotDrops"/>).</summary>
    public IReadOnlyList<string> ExcludedReasons { get; init; } = DropReasons.NotDrops;

    /// <summary>Network namespaces by inode (ls -Li /proc/PID/ns/net, ip netns identify); empty: all.</summary>
    public IReadOnlyList<uint> NetworkNamespaces { get; init; } = [];

    /// <summary>Interface names (per namespace, as ip link shows them); a trailing * matches a prefix (veth*).</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>True when the packet's headers must be read to decide.</summary>
    internal bool ReadsHeaders => Addresses.Count > 0 || Ports.Count > 0 || Protocols.Count > 0;
}
