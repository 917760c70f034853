using System.Globalization;
using Diag.Linux.Output;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// One packet the kernel dropped (freed through kfree_skb with a drop reason): when, why (the kernel's reason by its
/// own name, and the cause where the reason is too coarse, with how sure that is and why), where (the kernel function
/// and offset that dropped it), and what (protocol, addresses, ports, TCP flags, length, interface, network namespace).
/// </summary>
public sealed class PacketDrop
{
    internal PacketDrop(DateTime timestamp, string reason, uint reasonCode, DropCauseVerdict verdict, string location, string? function,
        ulong locationAddress, PacketSummary packet, string? @interface, int interfaceIndex, long networkNamespace, string? networkNamespaceName,
        ConntrackAttachment conntrack, int cpu, ItemList<string> kernelStack)
    {
        Timestamp = timestamp;
        Reason = reason;
        ReasonCode = (int)reasonCode;
        CauseValue = verdict.Cause;
        CauseCertaintyValue = verdict.Certainty;
        CauseEvidence = verdict.Evidence;
        ConntrackCount = verdict.Table?.Count;
        ConntrackMax = verdict.Table?.Max;
        Location = location;
        Function = function;
        LocationAddress = locationAddress;
        FamilyValue = packet.Family;
        EtherType = packet.EtherType;
        ProtocolValue = packet.Protocol;
        SourceAddress = packet.SourceAddress;
        SourcePort = packet.SourcePort;
        DestinationAddress = packet.DestinationAddress;
        DestinationPort = packet.DestinationPort;
        TcpFlagsValue = packet.TcpFlags;
        Flow = packet.Flow;
        LengthBytes = packet.LengthBytes;
        Interface = @interface;
        InterfaceIndex = interfaceIndex;
        NetworkNamespace = networkNamespace;
        NetworkNamespaceName = networkNamespaceName;
        ConntrackValue = conntrack;
        Cpu = cpu;
        KernelStack = kernelStack;
    }

    /// <summary>When the kernel dropped it (local time).</summary>
    public DateTime Timestamp { get; }

    /// <summary>The kernel's drop reason, as this kernel names it: NETFILTER_DROP, NO_SOCKET, TCP_LISTEN_OVERFLOW...</summary>
    public string Reason { get; }

    /// <summary>The reason's number on this kernel (it differs between kernel versions: compare names).</summary>
    public int ReasonCode { get; }

    /// <summary>The cause where the kernel lets Diag tell it (a <see cref="PacketDropCause"/> name): ConntrackFull,
    /// FirewallRule, ClosedPort, AcceptQueueFull...; Unclassified when the reason says all there is.</summary>
    public string Cause => CauseValue.ToString();

    internal PacketDropCause CauseValue { get; }

    /// <summary>Confirmed (the kernel says so), Likely (inferred from state read just after), Unknown (no cause finer than the reason).</summary>
    public string CauseCertainty => CauseCertaintyValue.ToString();

    internal DropCauseCertainty CauseCertaintyValue { get; }

    /// <summary>What the cause was told from, in words.</summary>
    public string? CauseEvidence { get; }

    /// <summary>For a netfilter drop: the conntrack entries in the packet's namespace when read just after the drop.</summary>
    public long? ConntrackCount { get; }

    /// <summary>For a netfilter drop: net.netfilter.nf_conntrack_max when read just after the drop.</summary>
    public long? ConntrackMax { get; }

    /// <summary>Where the kernel dropped it, as a stack trace prints it: nf_hook_slow+0x71, tcp_v4_rcv+0x99.</summary>
    public string Location { get; }

    /// <summary>The function of <see cref="Location"/>; null when the kernel hides its addresses.</summary>
    public string? Function { get; }

    public ulong LocationAddress { get; }

    /// <summary>IPv4, IPv6, or Other (see <see cref="EtherType"/>).</summary>
    public string Family => FamilyValue.ToString();

    internal PacketFamily FamilyValue { get; }

    /// <summary>The link-layer protocol (0x0800 IPv4, 0x86DD IPv6, 0x0806 ARP...).</summary>
    public int EtherType { get; }

    /// <summary>Tcp, Udp, Icmp, IcmpV6, Sctp... (an <see cref="IpProtocol"/> name, or the number); None when not IP.</summary>
    public string Protocol => ProtocolValue.ToString();

    internal IpProtocol ProtocolValue { get; }

    public NetworkAddress? SourceAddress { get; }

    /// <summary>0 when the protocol has no ports (or the packet is a later fragment).</summary>
    public int SourcePort { get; }

    public NetworkAddress? DestinationAddress { get; }

    public int DestinationPort { get; }

    /// <summary>The TCP flags as tcpdump would list them: "Syn", "Psh, Ack"; None for other protocols.</summary>
    public string TcpFlags => TcpFlagsValue.ToString();

    internal TcpFlags TcpFlagsValue { get; }

    /// <summary>"10.0.0.1:41234 > 10.0.0.2:8100" (tcpdump's direction arrow).</summary>
    public string Flow { get; }

    /// <summary>The packet's length from its network header (the IP packet, or the frame's payload when not IP).</summary>
    public int LengthBytes { get; }

    /// <summary>The device the packet was on (in its namespace); null when it had none.</summary>
    public string? Interface { get; }

    public int InterfaceIndex { get; }

    /// <summary>The network namespace's inode (ls -Li /proc/PID/ns/net); 0 when the packet had neither device nor socket.</summary>
    public long NetworkNamespace { get; }

    /// <summary>Who the namespace is: host, an ip netns name, or a process in it ("nginx (1234)").</summary>
    public string? NetworkNamespaceName { get; }

    /// <summary>For a netfilter drop, what conntrack had attached to the packet: None, Tracked, Untracked; NotRead otherwise.</summary>
    public string Conntrack => ConntrackValue.ToString();

    internal ConntrackAttachment ConntrackValue { get; }

    public int Cpu { get; }

    /// <summary>With -Stack: the kernel stack of the drop, innermost first (function+offset [module]).</summary>
    public ItemList<string> KernelStack { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Reason}{(CauseValue == PacketDropCause.Unclassified ? "" : " (" + Cause + ")")} {Flow} at {Location}");
}
