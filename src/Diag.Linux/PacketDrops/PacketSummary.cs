using System.Globalization;
using System.Net;
using Diag.Linux.Output;

namespace Diag.Linux.PacketDrops;

/// <summary>The packet fields of a record or a flow key, decoded once (addresses, ports, flags, the flow as text).</summary>
internal sealed class PacketSummary
{
    public PacketFamily Family { get; init; }
    public int EtherType { get; init; }
    public IpProtocol Protocol { get; init; }
    public NetworkAddress? SourceAddress { get; init; }
    public int SourcePort { get; init; }
    public NetworkAddress? DestinationAddress { get; init; }
    public int DestinationPort { get; init; }
    public TcpFlags TcpFlags { get; init; }
    public int LengthBytes { get; init; }

    /// <summary>"10.0.0.1:41234 > 10.0.0.2:8100", "[2001:db8::1]:443 > [2001:db8::2]:51000", "10.0.0.1 > 10.0.0.2 (Icmp)",
    /// "ethertype 0x0806" for what is not IP.</summary>
    public string Flow
    {
        get
        {
            if (Family == PacketFamily.Other)
                return EtherType == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"ethertype 0x{EtherType:x4}");
            if (SourcePort == 0 && DestinationPort == 0)
                return $"{SourceAddress} > {DestinationAddress} ({Protocol})";
            return $"{Endpoint(SourceAddress, SourcePort)} > {Endpoint(DestinationAddress, DestinationPort)}";
        }
    }

    /// <summary>Decodes the family, protocol, addresses and ports at these offsets of a record or key.</summary>
    public static PacketSummary Read(ReadOnlySpan<byte> bytes, int family, int protocol, int source, int destination, int ports,
        int etherType = -1, int flags = -1, int length = 0)
    {
        var familyByte = bytes[family];
        var kind = familyByte switch { 4 => PacketFamily.IPv4, 6 => PacketFamily.IPv6, _ => PacketFamily.Other };
        var size = kind == PacketFamily.IPv6 ? 16 : 4;
        return new PacketSummary
        {
            Family = kind,
            EtherType = etherType >= 0 ? BitConverter.ToUInt16(bytes[etherType..]) : 0,
            Protocol = kind == PacketFamily.Other ? IpProtocol.None : (IpProtocol)bytes[protocol],
            SourceAddress = kind == PacketFamily.Other ? null : new NetworkAddress(new IPAddress(bytes.Slice(source, size))),
            DestinationAddress = kind == PacketFamily.Other ? null : new NetworkAddress(new IPAddress(bytes.Slice(destination, size))),
            SourcePort = BitConverter.ToUInt16(bytes[ports..]),
            DestinationPort = BitConverter.ToUInt16(bytes[(ports + 2)..]),
            TcpFlags = flags >= 0 ? (TcpFlags)bytes[flags] : TcpFlags.None,
            LengthBytes = length,
        };
    }

    private static string Endpoint(NetworkAddress? address, int port) =>
        address?.Family == "IPv6"
            ? string.Create(CultureInfo.InvariantCulture, $"[{address}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{address}:{port}");
}
