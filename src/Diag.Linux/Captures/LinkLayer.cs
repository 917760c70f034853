using System.Buffers.Binary;

namespace Diag.Linux.Captures;

/// <summary>
/// Where the IP header starts in a captured frame, per link type (LINKTYPE_ values of
/// https://www.tcpdump.org/linktypes.html): Ethernet with any number of 802.1Q/802.1ad tags, Linux
/// cooked captures (SLL, from tcpdump -i any; SLL2 from libpcap 1.10), raw IP, BSD loopback.
/// </summary>
internal static class LinkLayer
{
    /// <summary>The frame is not IPv4 or IPv6 (ARP, LLC, another ethertype).</summary>
    public const int NotIp = -1;

    /// <summary>The link type is not one this reads.</summary>
    public const int UnsupportedLinkType = -2;

    private const int EthertypeIpv4 = 0x0800, EthertypeIpv6 = 0x86dd;
    private const int MaxVlanTags = 8;

    public static bool IsSupported(int linkType) => linkType is 0 or 1 or 12 or 14 or 101 or 108 or 113 or 228 or 229 or 276;

    public static string Name(int linkType) => linkType switch
    {
        0 => "NULL (BSD loopback)",
        1 => "EN10MB (Ethernet)",
        12 or 14 or 101 => "RAW (IP)",
        105 => "IEEE802_11 (Wi-Fi)",
        108 => "LOOP (OpenBSD loopback)",
        113 => "LINUX_SLL (Linux cooked)",
        127 => "IEEE802_11_RADIOTAP (Wi-Fi)",
        228 => "IPV4",
        229 => "IPV6",
        276 => "LINUX_SLL2 (Linux cooked v2)",
        _ => linkType.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The offset of the IP header in <paramref name="frame"/>, <see cref="NotIp"/> or <see cref="UnsupportedLinkType"/>.</summary>
    public static int NetworkOffset(int linkType, ReadOnlySpan<byte> frame) => linkType switch
    {
        1 => AfterEthertype(frame, 12),                  // dst, src, ethertype
        113 => AfterEthertype(frame, 14),                // packet type, ARPHRD, address length, address[8], protocol
        276 => AfterEthertype(frame, 0, payload: 20),    // protocol, reserved, ifindex, ARPHRD, packet type, address length, address[8]
        12 or 14 or 101 or 228 or 229 => 0,
        0 or 108 => Loopback(frame),
        _ => UnsupportedLinkType,
    };

    /// <summary>Follows the ethertype at <paramref name="typeOffset"/> through VLAN tags to IPv4 or IPv6.</summary>
    private static int AfterEthertype(ReadOnlySpan<byte> frame, int typeOffset, int payload = -1)
    {
        if (payload < 0) payload = typeOffset + 2;
        for (int tags = 0; tags <= MaxVlanTags; tags++)
        {
            if (frame.Length < typeOffset + 2) return NotIp;
            int type = BinaryPrimitives.ReadUInt16BigEndian(frame[typeOffset..]);
            switch (type)
            {
                case EthertypeIpv4 or EthertypeIpv6:
                    return frame.Length > payload ? payload : NotIp;
                case 0x8100 or 0x88a8 or 0x9100 or 0x9200: // 802.1Q, 802.1ad (QinQ), and the pre-standard QinQ tags
                    // The tag (priority, VLAN id) then the next ethertype.
                    typeOffset = payload + 2;
                    payload += 4;
                    break;
                default:
                    return NotIp;
            }
        }
        return NotIp;
    }

    /// <summary>BSD loopback: a 4-byte address family, in host order (NULL) or network order (LOOP).</summary>
    private static int Loopback(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 5) return NotIp;
        uint family = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (family > 0xffff) family = BinaryPrimitives.ReadUInt32BigEndian(frame);
        // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS).
        return family is 2 or 10 or 24 or 28 or 30 ? 4 : NotIp;
    }
}
