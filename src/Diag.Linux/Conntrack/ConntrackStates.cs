using System.Globalization;
using Diag.Linux.Netlink;

namespace Diag.Linux.Conntrack;

/// <summary>
/// What an entry's state is called (as <c>conntrack -L</c> shows it: <c>tcp TIME_WAIT</c>, <c>udp UNREPLIED</c>) and
/// which timeout sysctl keeps an entry in that state alive (nf_conntrack_proto_*.c).
/// </summary>
internal static class ConntrackStates
{
    // enum tcp_conntrack
    private static readonly string[] TcpStates =
        ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"];

    private static readonly string[] TcpTimeouts =
    [
        "nf_conntrack_tcp_timeout_syn_sent", "nf_conntrack_tcp_timeout_syn_sent", "nf_conntrack_tcp_timeout_syn_recv",
        "nf_conntrack_tcp_timeout_established", "nf_conntrack_tcp_timeout_fin_wait", "nf_conntrack_tcp_timeout_close_wait",
        "nf_conntrack_tcp_timeout_last_ack", "nf_conntrack_tcp_timeout_time_wait", "nf_conntrack_tcp_timeout_close",
        "nf_conntrack_tcp_timeout_syn_sent",
    ];

    /// <summary>A small key for an entry's state: protocol, and the TCP state or UDP's replied/assured class.</summary>
    public static int KeyOf(in ConntrackFlow flow) => flow.Protocol switch
    {
        ConntrackFlow.IPPROTO_TCP => ConntrackFlow.IPPROTO_TCP << 8 | (flow.TcpState < TcpStates.Length ? flow.TcpState : 0),
        ConntrackFlow.IPPROTO_UDP or 136 => flow.Protocol << 8 | (flow.IsUnreplied ? 0 : flow.IsAssured ? 2 : 1),
        _ => flow.Protocol << 8,
    };

    public static string NameOf(int key)
    {
        int protocol = key >> 8, state = key & 0xff;
        return protocol switch
        {
            ConntrackFlow.IPPROTO_TCP => "tcp " + TcpStates[state],
            ConntrackFlow.IPPROTO_UDP or 136 => ProtocolName(protocol) + (state switch { 0 => " UNREPLIED", 1 => " REPLIED", _ => " ASSURED" }),
            _ => ProtocolName(protocol),
        };
    }

    /// <summary>The sysctl (without the net.netfilter. prefix) whose timeout applies to entries of <paramref name="key"/>.</summary>
    public static string TimeoutOf(int key)
    {
        int protocol = key >> 8, state = key & 0xff;
        return protocol switch
        {
            ConntrackFlow.IPPROTO_TCP => TcpTimeouts[state],
            ConntrackFlow.IPPROTO_UDP or 136 => state == 2 ? "nf_conntrack_udp_timeout_stream" : "nf_conntrack_udp_timeout",
            ConntrackFlow.IPPROTO_ICMP => "nf_conntrack_icmp_timeout",
            ConntrackFlow.IPPROTO_ICMPV6 => "nf_conntrack_icmpv6_timeout",
            ConntrackFlow.IPPROTO_SCTP => "nf_conntrack_sctp_timeout_established",
            47 => "nf_conntrack_gre_timeout_stream",
            _ => "nf_conntrack_generic_timeout",
        };
    }

    /// <summary>True for states whose entries never saw an answer (half-open: SYN_SENT, UNREPLIED datagrams).</summary>
    public static bool IsUnanswered(int key) =>
        key == (ConntrackFlow.IPPROTO_TCP << 8 | 1) || key == (ConntrackFlow.IPPROTO_UDP << 8) || key == (136 << 8);

    public static bool IsTimeWait(int key) => key == (ConntrackFlow.IPPROTO_TCP << 8 | 7);

    public static bool IsEstablished(int key) => key == (ConntrackFlow.IPPROTO_TCP << 8 | 3);

    public static string ProtocolName(int protocol) => protocol switch
    {
        ConntrackFlow.IPPROTO_TCP => "tcp",
        ConntrackFlow.IPPROTO_UDP => "udp",
        ConntrackFlow.IPPROTO_ICMP => "icmp",
        ConntrackFlow.IPPROTO_ICMPV6 => "icmpv6",
        ConntrackFlow.IPPROTO_SCTP => "sctp",
        47 => "gre",
        33 => "dccp",
        136 => "udplite",
        _ => "proto " + protocol.ToString(CultureInfo.InvariantCulture),
    };
}
