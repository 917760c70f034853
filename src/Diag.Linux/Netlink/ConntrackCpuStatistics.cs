namespace Diag.Linux.Netlink;

/// <summary>
/// One CPU's conntrack counters of one network namespace (<c>struct ip_conntrack_stat</c>), as ctnetlink's
/// IPCTNL_MSG_CT_GET_STATS_CPU reports them and <c>conntrack -S</c> prints them. They count from the namespace's
/// creation and only grow (32-bit on the wire: they wrap, which a difference over an interval survives).
/// </summary>
internal struct ConntrackCpuStatistics
{
    public int Cpu;

    /// <summary>Lookups that found an existing entry.</summary>
    public uint Found;

    /// <summary>Packets conntrack could not track (malformed, or out of a TCP window).</summary>
    public uint Invalid;

    /// <summary>New entries added to the table.</summary>
    public uint Insert;

    /// <summary>Entries that could not be added: another CPU inserted the same flow first (a race, as parallel DNS
    /// queries from one socket cause) and the clash could not be resolved; the packet is dropped.</summary>
    public uint InsertFailed;

    /// <summary>Packets dropped because no entry could be allocated: the table was full (nf_conntrack_max) and nothing
    /// could be evicted.</summary>
    public uint Drop;

    /// <summary>Entries evicted to make room for a new one when the table was full (unassured ones go first).</summary>
    public uint EarlyDrop;

    /// <summary>Packets the protocol tracker rejected (ICMP errors that match no connection…).</summary>
    public uint Error;

    /// <summary>Hash lookups started again because the table changed under them (resizes, heavy churn).</summary>
    public uint SearchRestart;

    /// <summary>Insert races that were resolved by reusing the entry already there (no drop).</summary>
    public uint ClashResolve;

    /// <summary>Inserts refused because a hash chain was too long (Linux 5.15+): a drop, and a sign the hash table is
    /// too small or under attack.</summary>
    public uint ChainTooLong;
}
