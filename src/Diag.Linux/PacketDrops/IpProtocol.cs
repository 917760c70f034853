namespace Diag.Linux.PacketDrops;

/// <summary>The IP protocol of a dropped packet (IPv4's protocol field, IPv6's next header): the common ones by name;
/// any other number still converts (<c>[Diag.Linux.PacketDrops.IpProtocol]47</c> is Gre).</summary>
public enum IpProtocol : byte
{
    /// <summary>IPv6 hop-by-hop options (the next header after it is not read), or not an IP packet.</summary>
    None = 0,
    Icmp = 1,
    Igmp = 2,
    IpInIp = 4,
    Tcp = 6,
    Udp = 17,
    IPv6 = 41,
    IPv6Routing = 43,
    IPv6Fragment = 44,
    Gre = 47,
    Esp = 50,
    Ah = 51,
    IcmpV6 = 58,
    IPv6NoNext = 59,
    IPv6DestinationOptions = 60,
    Vrrp = 112,
    Sctp = 132,
    UdpLite = 136,
    Mptcp = 254,
}
