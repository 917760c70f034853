namespace Diag.Linux.Netlink;

/// <summary>
/// One neighbour table (arp_cache for IPv4, ndisc_cache for IPv6) as RTM_GETNEIGHTBL dumps it: the garbage-collection
/// thresholds, its size and statistics (struct ndt_config, struct ndt_stats; counted for the whole table, which every
/// network namespace shares), and the parameters of each interface of the asking namespace.
/// </summary>
internal sealed class NeighborTableRecord
{
    public string Name { get; set; } = "";

    public byte Family { get; set; }

    public uint GcThresh1 { get; set; }
    public uint GcThresh2 { get; set; }
    public uint GcThresh3 { get; set; }
    public ulong GcIntervalMilliseconds { get; set; }

    /// <summary>ndtc_entries: entries in the table, all namespaces together.</summary>
    public uint Entries { get; set; }

    /// <summary>ndtc_last_flush: milliseconds since the table was last flushed (forced garbage collection).</summary>
    public uint LastFlushMillisecondsAgo { get; set; }

    public ulong Allocations { get; set; }
    public ulong Destroys { get; set; }
    public ulong HashGrows { get; set; }
    public ulong ResolutionFailures { get; set; }
    public ulong Lookups { get; set; }
    public ulong Hits { get; set; }
    public ulong MulticastProbesReceived { get; set; }
    public ulong UnicastProbesReceived { get; set; }
    public ulong PeriodicGcRuns { get; set; }
    public ulong ForcedGcRuns { get; set; }
    public ulong TableFulls { get; set; }

    /// <summary>The table's default parameters (net.ipv4.neigh.default.*).</summary>
    public NeighborParametersRecord? Defaults { get; set; }

    /// <summary>Each interface's parameters (net.ipv4.neigh.IFNAME.*), for the asking namespace's interfaces.</summary>
    public List<NeighborParametersRecord> Interfaces { get; } = new();
}

/// <summary>One NDTA_PARMS set (NDTPA_*): per interface, or the table's defaults (interface index 0).</summary>
internal sealed class NeighborParametersRecord
{
    public int InterfaceIndex { get; set; }
    public uint ReferenceCount { get; set; }
    public ulong ReachableTimeMilliseconds { get; set; }
    public ulong BaseReachableTimeMilliseconds { get; set; }
    public ulong RetransTimeMilliseconds { get; set; }
    public ulong GcStaleTimeMilliseconds { get; set; }
    public ulong DelayProbeTimeMilliseconds { get; set; }
    public uint QueuePackets { get; set; }
    public uint QueueBytes { get; set; }
    public uint ApplicationProbes { get; set; }
    public uint UnicastProbes { get; set; }
    public uint MulticastProbes { get; set; }
    public uint MulticastReprobes { get; set; }
    public ulong LockTimeMilliseconds { get; set; }
}
