using System.Buffers.Binary;

namespace Diag.Linux.Toa;

/// <summary>What <see cref="TcpSegmentParser.Parse"/> found at the network layer.</summary>
internal enum SegmentStatus
{
    /// <summary>An IPv4 or IPv6 packet with a TCP header (its options possibly cut by the capture length).</summary>
    Tcp,

    /// <summary>Not TCP, or a fragment after the first (no TCP header in it).</summary>
    NotTcp,

    /// <summary>The capture ends before the IP or TCP fixed header does.</summary>
    Truncated,

    /// <summary>Header fields that cannot be right (IPv4 IHL below 5, TCP data offset below 5...).</summary>
    Malformed,
}

/// <summary>The parts of an IP packet's TCP header that a TOA needs; views into the packet's bytes.</summary>
internal ref struct TcpSegment
{
    public ReadOnlySpan<byte> SourceAddress;
    public ReadOnlySpan<byte> DestinationAddress;
    public int SourcePort;
    public int DestinationPort;

    /// <summary>The option bytes that were captured.</summary>
    public ReadOnlySpan<byte> Options;

    /// <summary>How many option bytes the header declares (data offset × 4 − 20).</summary>
    public int DeclaredOptionsLength;
}

/// <summary>Parses IPv4 and IPv6 (with extension headers) down to the TCP header, without copying.</summary>
internal static class TcpSegmentParser
{
    private const int ProtocolTcp = 6;
    private const int MaxExtensionHeaders = 16;

    public static SegmentStatus Parse(ReadOnlySpan<byte> packet, out TcpSegment segment)
    {
        segment = default;
        if (packet.IsEmpty) return SegmentStatus.Truncated;
        return (packet[0] >> 4) switch
        {
            4 => ParseIpv4(packet, out segment),
            6 => ParseIpv6(packet, out segment),
            _ => SegmentStatus.Malformed,
        };
    }

    private static SegmentStatus ParseIpv4(ReadOnlySpan<byte> packet, out TcpSegment segment)
    {
        segment = default;
        if (packet.Length < 20) return SegmentStatus.Truncated;
        int headerLength = (packet[0] & 0x0f) * 4;
        if (headerLength < 20) return SegmentStatus.Malformed;
        if (packet.Length < headerLength) return SegmentStatus.Truncated;
        if (packet[9] != ProtocolTcp) return SegmentStatus.NotTcp;
        if ((BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1fff) != 0) return SegmentStatus.NotTcp; // not the first fragment
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        // Ethernet pads short frames: trust the total length when it is there. Segmentation offload
        // captures on the sending host may carry 0 there: then the capture is all there is.
        if (totalLength != 0)
        {
            if (totalLength < headerLength) return SegmentStatus.Malformed;
            if (totalLength < packet.Length) packet = packet[..totalLength];
        }
        segment.SourceAddress = packet.Slice(12, 4);
        segment.DestinationAddress = packet.Slice(16, 4);
        return ParseTcp(packet[headerLength..], ref segment);
    }

    private static SegmentStatus ParseIpv6(ReadOnlySpan<byte> packet, out TcpSegment segment)
    {
        segment = default;
        if (packet.Length < 40) return SegmentStatus.Truncated;
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        if (payloadLength != 0 && 40 + payloadLength < packet.Length) packet = packet[..(40 + payloadLength)];
        segment.SourceAddress = packet.Slice(8, 16);
        segment.DestinationAddress = packet.Slice(24, 16);
        int next = packet[6];
        int offset = 40;
        for (int i = 0; i <= MaxExtensionHeaders; i++)
        {
            if (offset > packet.Length) return SegmentStatus.Truncated; // an extension header longer than the packet
            if (next == ProtocolTcp) return ParseTcp(packet[offset..], ref segment);
            if (packet.Length < offset + 8) return IsExtensionHeader(next) ? SegmentStatus.Truncated : SegmentStatus.NotTcp;
            var header = packet[offset..];
            switch (next)
            {
                case 0 or 43 or 60 or 135 or 139 or 140 or 253 or 254: // hop-by-hop, routing, destination, mobility, HIP, shim6, experiments
                    offset += (header[1] + 1) * 8;
                    break;
                case 51: // authentication header: length in 4-byte units, minus 2
                    offset += (header[1] + 2) * 4;
                    break;
                case 44: // fragment: only the first fragment has the TCP header
                    if ((BinaryPrimitives.ReadUInt16BigEndian(header[2..]) & 0xfff8) != 0) return SegmentStatus.NotTcp;
                    offset += 8;
                    break;
                default:
                    return SegmentStatus.NotTcp; // ESP, no next header, another transport
            }
            next = header[0];
        }
        return SegmentStatus.Malformed;
    }

    private static bool IsExtensionHeader(int next) => next is 0 or 43 or 44 or 51 or 60 or 135 or 139 or 140 or 253 or 254;

    private static SegmentStatus ParseTcp(ReadOnlySpan<byte> tcp, ref TcpSegment segment)
    {
        if (tcp.Length < 20) return SegmentStatus.Truncated;
        int headerLength = (tcp[12] >> 4) * 4;
        if (headerLength < 20) return SegmentStatus.Malformed;
        segment.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
        segment.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
        segment.DeclaredOptionsLength = headerLength - 20;
        segment.Options = tcp[20..Math.Min(headerLength, tcp.Length)];
        return SegmentStatus.Tcp;
    }
}
