using System.Globalization;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// One of the kernel's own drop counters over the same interval as a summary (/proc/net/snmp, /proc/net/snmp6,
/// /proc/net/netstat, conntrack's statistics per namespace; /proc/net/softnet_stat for the machine), beside which the
/// drops counted by reason can be checked: ListenOverflows against TCP_LISTEN_OVERFLOW, conntrack's drop against
/// ConntrackFull, Udp NoPorts against NO_SOCKET... Only counters that moved are reported.
/// </summary>
public sealed class PacketDropCounter
{
    internal PacketDropCounter(long? networkNamespace, string? networkNamespaceName, string counter, long increase, TimeSpan interval, string comparesWith)
    {
        NetworkNamespace = networkNamespace;
        NetworkNamespaceName = networkNamespaceName;
        Counter = counter;
        Increase = increase;
        Interval = interval;
        RatePerSecond = interval > TimeSpan.Zero ? increase / interval.TotalSeconds : 0;
        ComparesWith = comparesWith;
    }

    /// <summary>The namespace the counter belongs to; null for a machine-wide one (softnet).</summary>
    public long? NetworkNamespace { get; }

    public string? NetworkNamespaceName { get; }

    /// <summary>The counter as the kernel names it, with its group: TcpExt:ListenOverflows, Udp:NoPorts, nf_conntrack:drop, softnet:dropped.</summary>
    public string Counter { get; }

    /// <summary>How much it rose during the interval.</summary>
    public long Increase { get; }

    public double RatePerSecond { get; }

    public TimeSpan Interval { get; }

    /// <summary>The drop reasons and causes it corresponds to, and how they differ.</summary>
    public string ComparesWith { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Counter} +{Increase}{(NetworkNamespace is { } ns ? " in netns " + ns.ToString(CultureInfo.InvariantCulture) : "")}");
}
