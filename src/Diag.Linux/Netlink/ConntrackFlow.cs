namespace Diag.Linux.Netlink;

/// <summary>
/// One entry of the conntrack table as a ctnetlink dump reports it: the original direction's addresses and ports,
/// the protocol, TCP state, status bits and the seconds left before it expires. A value type: a dump of a million
/// entries is tallied, not kept.
/// </summary>
internal struct ConntrackFlow
{
    public const byte AF_INET = 2, AF_INET6 = 10;
    public const byte IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_ICMPV6 = 58, IPPROTO_SCTP = 132;

    /// <summary>IPS_* bits (linux/netfilter/nf_conntrack_common.h).</summary>
    public const uint IPS_SEEN_REPLY = 1 << 1, IPS_ASSURED = 1 << 2, IPS_SRC_NAT = 1 << 4, IPS_DST_NAT = 1 << 5, IPS_OFFLOAD = 1 << 14;

    /// <summary>TCP_CONNTRACK_* (enum tcp_conntrack); <see cref="NoTcpState"/> for other protocols.</summary>
    public const byte NoTcpState = 0xff;

    /// <summary>AF_INET or AF_INET6.</summary>
    public byte Family;

    /// <summary>The layer-4 protocol number (6 TCP, 17 UDP…).</summary>
    public byte Protocol;

    /// <summary>The TCP state (enum tcp_conntrack), or <see cref="NoTcpState"/>.</summary>
    public byte TcpState;

    /// <summary>Addresses of the original direction, in network order, IPv4 in the first 4 bytes.</summary>
    public UInt128 Source, Destination;

    public ushort SourcePort, DestinationPort;

    /// <summary>CTA_STATUS: IPS_* bits.</summary>
    public uint Status;

    /// <summary>Seconds until the entry expires unless a packet refreshes it.</summary>
    public uint TimeoutSeconds;

    /// <summary>The conntrack zone (0 unless a rule sets one).</summary>
    public ushort Zone;

    public readonly bool IsUnreplied => (Status & IPS_SEEN_REPLY) == 0;

    public readonly bool IsAssured => (Status & IPS_ASSURED) != 0;

    public readonly bool HasPorts => Protocol is IPPROTO_TCP or IPPROTO_UDP or IPPROTO_SCTP or 33 /* DCCP */ or 136 /* UDP-Lite */;
}
