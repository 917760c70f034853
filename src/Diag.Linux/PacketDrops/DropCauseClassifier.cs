using System.Globalization;

namespace Diag.Linux.PacketDrops;

/// <summary>The cause of a drop, how sure it is, the words that say why, and the conntrack table read for it.</summary>
internal sealed record DropCauseVerdict(PacketDropCause Cause, DropCauseCertainty Certainty, string? Evidence, ConntrackTableState? Table)
{
    public static DropCauseVerdict None { get; } = new(PacketDropCause.Unclassified, DropCauseCertainty.Unknown, null, null);
}

/// <summary>
/// Tells the cause of a drop where the kernel lets Diag tell it. Most causes are the reason itself in words (NO_SOCKET:
/// a closed port). NETFILTER_DROP is the one reason that hides two incidents, a full conntrack table and a firewall rule;
/// they are told apart, in this order, by:
/// <list type="number">
/// <item>the place: nftables frees the packets its rules drop in nft_do_chain itself (Linux 6.x), while conntrack's and
///   iptables' drops are freed by nf_hook_slow: FirewallRule, Confirmed.</item>
/// <item>conntrack's own per-CPU drop counter, read by the program at this drop and at the previous netfilter drop in the
///   same namespace on the same CPU: conntrack counts the packets it drops just before netfilter frees them, so the counter
///   rose with this drop (conntrack dropped it: ConntrackFull for a packet without an entry, ConntrackInsertFailed for one
///   with) or did not (a rule dropped it: FirewallRule). Confirmed.</item>
/// <item>without that comparison (the first netfilter drop of a namespace on a CPU, or a kernel without the statistics):
///   the packet's attachment and the table's fill read just after. No entry while the table is at nf_conntrack_max:
///   ConntrackFull; an entry, or room in the table: FirewallRule. Likely.</item>
/// </list>
/// </summary>
internal static class DropCauseClassifier
{
    public static DropCauseVerdict Classify(string reason, string? function, ConntrackAttachment attachment, ConntrackEvidence evidence,
        uint @namespace, int destinationPort, IpProtocol protocol, Func<ConntrackTableState?> table) => reason switch
    {
        "NETFILTER_DROP" when function == "nft_do_chain" => Confirmed(PacketDropCause.FirewallRule,
            "nftables freed it in nft_do_chain: a rule's drop verdict (nft -a list ruleset shows the rules and their handles)"),
        "NETFILTER_DROP" => Netfilter(attachment, evidence, @namespace, table),
        "NO_SOCKET" => Confirmed(PacketDropCause.ClosedPort, destinationPort > 0
            ? string.Create(CultureInfo.InvariantCulture, $"no socket for {protocol} port {destinationPort} (nothing listens on it, or the connection it belongs to is gone)")
            : "no socket for the packet's port"),
        "TCP_LISTEN_OVERFLOW" => Confirmed(PacketDropCause.AcceptQueueFull,
            "the listener's accept queue was full when the handshake completed (TcpExt ListenOverflows; SYNs refused for the same reason are not freed as drops, only counted there)"),
        "SOCKET_BACKLOG" => Confirmed(PacketDropCause.SocketBacklogFull, "the socket was held by its program and its backlog was full (TcpExt TCPBacklogDrop)"),
        "SOCKET_RCVBUFF" => Confirmed(PacketDropCause.ReceiveBufferFull, "the socket's receive buffer was full (its program reads too slowly, or SO_RCVBUF is small)"),
        "PROTO_MEM" => Confirmed(PacketDropCause.ReceiveBufferFull, "the protocol's memory limit was reached (net.ipv4.tcp_mem or udp_mem)"),
        "NEIGH_FAILED" or "NEIGH_QUEUEFULL" or "NEIGH_DEAD" => Confirmed(PacketDropCause.NeighborUnresolved,
            "the next hop's link-layer address could not be resolved (ARP or neighbour discovery unanswered, or too many packets waiting for it)"),
        "NEIGH_CREATEFAIL" => Confirmed(PacketDropCause.NeighborTableFull, "no neighbour entry could be made: the table is full (net.ipv4.neigh.default.gc_thresh3)"),
        "CPU_BACKLOG" => Confirmed(PacketDropCause.CpuBacklogFull, "the CPU's input queue was full (net.core.netdev_max_backlog; /proc/net/softnet_stat's second column)"),
        "IP_CSUM" or "TCP_CSUM" or "UDP_CSUM" or "ICMP_CSUM" or "SKB_CSUM" => Confirmed(PacketDropCause.BadChecksum, "a checksum did not verify"),
        _ => DropCauseVerdict.None,
    };

    private static DropCauseVerdict Confirmed(PacketDropCause cause, string evidence) => new(cause, DropCauseCertainty.Confirmed, evidence, null);

    private static DropCauseVerdict Netfilter(ConntrackAttachment attachment, ConntrackEvidence evidence, uint @namespace, Func<ConntrackTableState?> read)
    {
        var table = read();
        var fill = table is null ? "could not be read" : $"held {table.Fill} entries";
        var where = @namespace == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" in netns {@namespace}");
        switch (evidence)
        {
            case ConntrackEvidence.Rose when attachment == ConntrackAttachment.Tracked:
                return new(PacketDropCause.ConntrackInsertFailed, DropCauseCertainty.Confirmed,
                    "conntrack's drop counter rose with this drop, though the packet had an entry: the entry could not be inserted (a clash)", table);
            case ConntrackEvidence.Rose:
                return new(PacketDropCause.ConntrackFull, DropCauseCertainty.Confirmed,
                    $"conntrack's drop counter rose with this drop and the packet got no entry; the table{where} {fill} just after", table);
            case ConntrackEvidence.Unchanged:
                return new(PacketDropCause.FirewallRule, DropCauseCertainty.Confirmed,
                    $"conntrack's drop counter did not move: a netfilter rule dropped it (nft list ruleset, iptables-save){(attachment == ConntrackAttachment.None ? "" : "; the packet's connection was " + attachment.ToString().ToLowerInvariant())}", table);
        }
        const string unconfirmed = "; conntrack's drop counter had nothing to compare with (the first netfilter drop seen in this namespace on this CPU)";
        if (attachment == ConntrackAttachment.None && table is { IsFull: true })
            return new(PacketDropCause.ConntrackFull, DropCauseCertainty.Likely,
                $"the packet got no conntrack entry and the table{where} {fill} just after: full" + unconfirmed, table);
        if (attachment is ConntrackAttachment.Tracked or ConntrackAttachment.Untracked)
            return new(PacketDropCause.FirewallRule, DropCauseCertainty.Likely,
                $"the packet's connection was {attachment.ToString().ToLowerInvariant()}, so conntrack had not refused it: a rule dropped it" + unconfirmed, table);
        if (table is not null)
            return new(PacketDropCause.FirewallRule, DropCauseCertainty.Likely,
                $"the packet got no conntrack entry but the table{where} had room ({table.Fill}): a rule dropped it before conntrack saw it, or in a namespace where nothing uses conntrack" + unconfirmed, table);
        return new(PacketDropCause.Unclassified, DropCauseCertainty.Unknown,
            $"the packet got no conntrack entry, and the table{where} could not be read to tell a full table from a rule", null);
    }
}
