namespace Diag.Linux.PacketDrops;

/// <summary>
/// Why a packet was dropped, where the kernel's reason alone is too coarse or too terse: NETFILTER_DROP covers both a
/// full conntrack table and a firewall rule, NO_SOCKET means a closed port. Told from the reason, the packet's conntrack
/// attachment, conntrack's own per-CPU drop counter at the moment of the drop, and the table's fill.
/// </summary>
public enum PacketDropCause
{
    /// <summary>The reason says all the kernel lets Diag tell.</summary>
    Unclassified,

    /// <summary>NETFILTER_DROP of a packet that got no conntrack entry because its namespace's table was full
    /// (nf_conntrack_max): "nf_conntrack: table full, dropping packet".</summary>
    ConntrackFull,

    /// <summary>NETFILTER_DROP by conntrack of a packet that had an entry: the entry could not be inserted (a clash
    /// between two packets of a new connection on two CPUs; the insert_failed statistic).</summary>
    ConntrackInsertFailed,

    /// <summary>NETFILTER_DROP by a netfilter verdict that is not conntrack's: an nftables or iptables drop rule (or a
    /// reject's original packet, a queue with no listener).</summary>
    FirewallRule,

    /// <summary>NO_SOCKET: nothing listens on the destination port (TCP answers with a reset, UDP with ICMP port unreachable).</summary>
    ClosedPort,

    /// <summary>TCP_LISTEN_OVERFLOW: the listener's accept queue was full when the handshake completed (the program does
    /// not accept() fast enough, or listen()'s backlog and net.core.somaxconn are too small).</summary>
    AcceptQueueFull,

    /// <summary>SOCKET_BACKLOG: the socket was busy in its program and its backlog (receive plus send buffer) was full.</summary>
    SocketBacklogFull,

    /// <summary>SOCKET_RCVBUFF or PROTO_MEM: the socket's receive buffer, or the protocol's memory limit (tcp_mem, udp_mem), was full.</summary>
    ReceiveBufferFull,

    /// <summary>NEIGH_FAILED, NEIGH_QUEUEFULL, NEIGH_DEAD: the next hop's link-layer address could not be resolved (ARP or
    /// neighbour discovery unanswered, or too many packets waiting for it).</summary>
    NeighborUnresolved,

    /// <summary>NEIGH_CREATEFAIL: the neighbour table is full (net.ipv4.neigh.default.gc_thresh3).</summary>
    NeighborTableFull,

    /// <summary>CPU_BACKLOG: the per-CPU input queue was full (net.core.netdev_max_backlog).</summary>
    CpuBacklogFull,

    /// <summary>A checksum did not verify (IP_CSUM, TCP_CSUM, UDP_CSUM, ICMP_CSUM, SKB_CSUM).</summary>
    BadChecksum,
}
