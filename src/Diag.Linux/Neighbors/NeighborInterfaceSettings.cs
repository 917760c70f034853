namespace Diag.Linux.Neighbors;

/// <summary>
/// How one interface resolves neighbours (net.ipv4.neigh.IFNAME.* / net.ipv6.neigh.IFNAME.*, <c>ip ntable</c>'s
/// per-device lines): how many requests it sends, how far apart, and how much it queues meanwhile.
/// </summary>
public sealed class NeighborInterfaceSettings
{
    /// <summary>The interface; <c>default</c> for the namespace's defaults.</summary>
    public string InterfaceAlias { get; internal init; } = "";

    public int InterfaceIndex { get; internal init; }

    /// <summary>IPv4 (ARP, net.ipv4.neigh) or IPv6 (NDP, net.ipv6.neigh): each interface has settings for both.</summary>
    public string AddressFamily { get; internal init; } = "";

    /// <summary>unres_qlen_bytes: bytes queued per unresolved neighbour; older packets are discarded beyond it.</summary>
    public long UnresolvedQueueBytes { get; internal init; }

    /// <summary>unres_qlen: the same limit in packets, as the kernel derives it.</summary>
    public long UnresolvedQueuePackets { get; internal init; }

    /// <summary>mcast_solicit: broadcast (multicast) requests before resolution fails.</summary>
    public int MulticastProbes { get; internal init; }

    /// <summary>ucast_solicit: unicast probes to confirm a known neighbour.</summary>
    public int UnicastProbes { get; internal init; }

    /// <summary>app_solicit: requests handed to a user-space daemon.</summary>
    public int ApplicationProbes { get; internal init; }

    /// <summary>mcast_resolicit: broadcasts after unicast probes failed.</summary>
    public int MulticastReprobes { get; internal init; }

    /// <summary>retrans_time_ms: the wait between two requests.</summary>
    public TimeSpan RetransmitTime { get; internal init; }

    /// <summary>base_reachable_time_ms: how long a confirmation lasts (randomised to between half and 1.5 times it).</summary>
    public TimeSpan BaseReachableTime { get; internal init; }

    /// <summary>The current randomised reachable time.</summary>
    public TimeSpan ReachableTime { get; internal init; }

    /// <summary>delay_first_probe_time: the wait in Delay before probing.</summary>
    public TimeSpan DelayFirstProbeTime { get; internal init; }

    /// <summary>gc_stale_time: how long an unused stale entry is kept.</summary>
    public TimeSpan GcStaleTime { get; internal init; }

    /// <summary>locktime: the minimum time an entry keeps its address against competing answers.</summary>
    public TimeSpan LockTime { get; internal init; }

    /// <summary>How long resolution takes to fail: (mcast_solicit + app_solicit) × retrans_time.</summary>
    public TimeSpan ResolutionTimeout => RetransmitTime * Math.Max(1, MulticastProbes + ApplicationProbes);

    public override string ToString() =>
        $"{InterfaceAlias} {AddressFamily}: {MulticastProbes} requests {RetransmitTime.TotalMilliseconds:0} ms apart, queue {UnresolvedQueueBytes} bytes";
}
