using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Diag.TestSupport;

/// <summary>
/// Builds real packets for capture tests: IPv4 and IPv6 (optionally with extension headers) carrying
/// TCP with any options and correct checksums, in Ethernet (with VLAN tags), Linux cooked SLL/SLL2 or
/// raw framing; and the TOA options of every layout, as the load balancers write them.
/// </summary>
public static class TestPackets
{
    public const byte Syn = 0x02, Ack = 0x10, Psh = 0x08, Ece = 0x40, Cwr = 0x80;

    /// <summary>The AE flag (RFC 9768; the old NS bit), in the low bits of the data-offset byte.</summary>
    public const byte Ae = 0x01;

    public static byte[] Option(byte kind, params byte[] data) => [kind, (byte)(data.Length + 2), .. data];

    /// <summary>Port then address: Toa (IPv4, 8 bytes) or ToaV6 (IPv6, 20 bytes); also the VIP option (kind 250) when given kind 250.</summary>
    public static byte[] Toa(byte kind, int port, IPAddress address) => Option(kind, [.. Port(port), .. address.GetAddressBytes()]);

    /// <summary>Kind 252 (Anolis vtoa.h struct vtoa_data): cport, cip, vid, vip, vport, pad[2].</summary>
    public static byte[] Vtoa(int clientPort, IPAddress client, uint vpcId, IPAddress virtualAddress, int virtualPort, byte kind = 252) =>
        Option(kind, [.. Port(clientPort), .. client.GetAddressBytes(), .. Be32(vpcId), .. virtualAddress.GetAddressBytes(), .. Port(virtualPort), 0, 0]);

    /// <summary>Kind 249 (Anolis vtoa.h struct v6vtoa_data): cport, cip6, vid:24 reserved:8, vip6.</summary>
    public static byte[] V6Vtoa(int clientPort, IPAddress client, uint vpcId, IPAddress virtualAddress, byte kind = 249) =>
        Option(kind, [.. Port(clientPort), .. client.GetAddressBytes(), (byte)(vpcId >> 16), (byte)(vpcId >> 8), (byte)vpcId, 0, .. virtualAddress.GetAddressBytes()]);

    /// <summary>An RFC 6994 shared experimental option: kind 254 (or 253), the experiment id (16 or 32 bits), then data.</summary>
    public static byte[] Experiment(uint id, bool id32 = false, byte[]? data = null, byte kind = 254) =>
        Option(kind, [.. (id32 ? Be32(id) : Port((int)id)), .. data ?? []]);

    /// <summary>The AccECN option of its experiments (kind 254, ExID 0xACC0): three 24-bit byte counters, 13 bytes
    /// in all, as in tcpdump's own accecn_handshake.pcap.</summary>
    public static byte[] AccEcn(uint e0b, uint ceb, uint e1b) =>
        Experiment(0xacc0, data: [(byte)(e0b >> 16), (byte)(e0b >> 8), (byte)e0b, (byte)(ceb >> 16), (byte)(ceb >> 8), (byte)ceb, (byte)(e1b >> 16), (byte)(e1b >> 8), (byte)e1b]);

    public static readonly byte[] Mss1460 = [2, 4, 0x05, 0xb4];
    public static readonly byte[] Nop = [1];
    public static readonly byte[] SackOk = [4, 2];

    /// <summary>An IP packet (version from the addresses) carrying TCP with these options, padded with NOPs to a multiple of 4.</summary>
    public static byte[] Tcp(IPAddress source, int sourcePort, IPAddress destination, int destinationPort, byte[] options,
        byte flags = Syn, byte[]? payload = null, byte[][]? ipv6ExtensionHeaders = null, uint sequence = 1000, byte reservedFlags = 0)
    {
        payload ??= [];
        int optionsLength = (options.Length + 3) / 4 * 4;
        var tcp = new byte[20 + optionsLength + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), (ushort)destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(8), (flags & Ack) != 0 ? 1u : 0u);
        tcp[12] = (byte)((20 + optionsLength) / 4 << 4 | reservedFlags & 0x0f);
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), 64240);
        options.CopyTo(tcp, 20);
        tcp.AsSpan(20 + options.Length, optionsLength - options.Length).Fill(1); // NOP padding
        payload.CopyTo(tcp, 20 + optionsLength);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(16), TcpChecksum(source, destination, tcp));
        return source.AddressFamily == AddressFamily.InterNetwork
            ? Ipv4(source, destination, 6, tcp)
            : Ipv6(source, destination, 6, tcp, ipv6ExtensionHeaders ?? []);
    }

    public static byte[] Ipv4(IPAddress source, IPAddress destination, byte protocol, byte[] payload)
    {
        var packet = new byte[20 + payload.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 1);
        packet[6] = 0x40; // don't fragment
        packet[8] = 64;
        packet[9] = protocol;
        source.GetAddressBytes().CopyTo(packet, 12);
        destination.GetAddressBytes().CopyTo(packet, 16);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Checksum(packet.AsSpan(0, 20), 0));
        payload.CopyTo(packet, 20);
        return packet;
    }

    /// <summary>IPv6; each extension header is given as its body after next-header and length (padded here to 8 bytes), hop-by-hop type.</summary>
    public static byte[] Ipv6(IPAddress source, IPAddress destination, byte protocol, byte[] payload, byte[][] extensionHeaders)
    {
        var headers = new List<byte>();
        for (int i = 0; i < extensionHeaders.Length; i++)
        {
            byte next = i + 1 < extensionHeaders.Length ? (byte)60 : protocol; // then destination options, last one names TCP
            var body = extensionHeaders[i];
            int length = (body.Length + 2 + 7) / 8 * 8;
            headers.Add(next);
            headers.Add((byte)(length / 8 - 1));
            headers.AddRange(body);
            headers.AddRange(new byte[length - 2 - body.Length]);
        }
        var packet = new byte[40 + headers.Count + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(headers.Count + payload.Length));
        packet[6] = extensionHeaders.Length > 0 ? (byte)0 : protocol; // hop-by-hop first
        packet[7] = 64;
        source.GetAddressBytes().CopyTo(packet, 8);
        destination.GetAddressBytes().CopyTo(packet, 24);
        headers.CopyTo(packet, 40);
        payload.CopyTo(packet, 40 + headers.Count);
        return packet;
    }

    public static byte[] Ethernet(byte[] ip, params ushort[] vlanIds)
    {
        var frame = new List<byte> { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x02, 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 };
        for (int i = 0; i < vlanIds.Length; i++)
        {
            frame.AddRange(Port(i == 0 && vlanIds.Length > 1 ? 0x88a8 : 0x8100)); // QinQ: the outer tag is 802.1ad
            frame.AddRange(Port(vlanIds[i]));
        }
        frame.AddRange(Port(EtherType(ip)));
        frame.AddRange(ip);
        while (frame.Count < 60) frame.Add(0); // Ethernet pads short frames
        return [.. frame];
    }

    /// <summary>Linux cooked capture v1 (LINKTYPE_LINUX_SLL, tcpdump -i any before libpcap 1.10).</summary>
    public static byte[] Sll(byte[] ip) =>
        [0, 0, 0, 1, 0, 6, 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01, 0, 0, .. Port(EtherType(ip)), .. ip];

    /// <summary>Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, tcpdump -i any with libpcap 1.10+).</summary>
    public static byte[] Sll2(byte[] ip) =>
        [.. Port(EtherType(ip)), 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01, 0, 0, .. ip];

    private static int EtherType(byte[] ip) => ip[0] >> 4 == 6 ? 0x86dd : 0x0800;

    public static byte[] Port(int port) => [(byte)(port >> 8), (byte)port];

    private static byte[] Be32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static ushort TcpChecksum(IPAddress source, IPAddress destination, byte[] tcp)
    {
        var pseudo = new List<byte>();
        pseudo.AddRange(source.GetAddressBytes());
        pseudo.AddRange(destination.GetAddressBytes());
        if (source.AddressFamily == AddressFamily.InterNetwork) { pseudo.Add(0); pseudo.Add(6); pseudo.AddRange(Port(tcp.Length)); }
        else { pseudo.AddRange(Be32((uint)tcp.Length)); pseudo.AddRange(new byte[] { 0, 0, 0, 6 }); }
        uint sum = 0;
        foreach (var part in new[] { pseudo.ToArray(), tcp }) sum = Sum(part, sum);
        return Fold(sum);
    }

    private static ushort Checksum(ReadOnlySpan<byte> data, uint sum) => Fold(Sum(data, sum));

    private static uint Sum(ReadOnlySpan<byte> data, uint sum)
    {
        for (int i = 0; i + 1 < data.Length; i += 2) sum += (uint)(data[i] << 8 | data[i + 1]);
        if (data.Length % 2 == 1) sum += (uint)(data[^1] << 8);
        return sum;
    }

    private static ushort Fold(uint sum)
    {
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
