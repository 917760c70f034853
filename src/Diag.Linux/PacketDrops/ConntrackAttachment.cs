namespace Diag.Linux.PacketDrops;

/// <summary>What conntrack had attached to a packet when netfilter dropped it (<c>skb-&gt;_nfct</c>).</summary>
public enum ConntrackAttachment
{
    /// <summary>Not a netfilter drop: not read.</summary>
    NotRead,

    /// <summary>No entry: conntrack did not see the packet (a rule ran before it, or nothing in the namespace uses
    /// conntrack) or could not make an entry for it (a full table).</summary>
    None,

    /// <summary>The packet belonged to a connection conntrack tracks.</summary>
    Tracked,

    /// <summary>Marked untracked (a NOTRACK rule).</summary>
    Untracked,
}
