using System.Net;
using Diag.Linux.Output;
using Diag.Linux.Toa;
using static Diag.TestSupport.TestPackets;
using P = Diag.TestSupport.TestPackets;

namespace Diag.Linux.Tests.Toa;

/// <summary>What a packet's TOA is, as the test that built the packet knows it.</summary>
internal sealed record Expected(
    ToaVariant Variant, int Kind, IPAddress? Client, int? ClientPort, IPAddress Source, int SourcePort, IPAddress Destination, int DestinationPort,
    IPAddress? Virtual = null, int? VirtualPort = null, uint? VpcId = null)
{
    /// <summary>Whether tcpdump 4.5+ prints the whole option (kind 254 becomes exp-XXXX unless the port is f989).</summary>
    public bool TextHasAddress => Kind != 254 || ClientPort == 0xf989;
}

/// <summary>One packet of a test capture and the TOA records it must give.</summary>
internal sealed record TruthPacket(byte[] Ip, DateTime Time, Expected[] Toas);

/// <summary>
/// A capture's worth of packets covering every TOA layout, in IPv4 and IPv6, mixed with packets
/// that carry none (handshake replies, timestamps, data, UDP).
/// </summary>
internal static class ToaTruth
{
    private static readonly IPAddress Lb4 = IPAddress.Parse("192.168.0.5"), Rs4 = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Lb6 = IPAddress.Parse("fd00::5"), Rs6 = IPAddress.Parse("fd00::2");
    private static readonly DateTime Start = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    public static List<TruthPacket> Packets()
    {
        var list = new List<TruthPacket>();
        int n = 0;
        void Add(byte[] ip, params Expected[] toas) => list.Add(new TruthPacket(ip, Start.AddTicks(n++ * 1_234_567_0L + 10), toas));
        IPAddress A(string s) => IPAddress.Parse(s);

        Add(Tcp(Lb4, 40000, Rs4, 1234, [.. Mss1460, .. Nop, .. Nop, .. P.Toa(200, 12345, A("10.10.1.1"))]),
            new Expected(ToaVariant.Toa, 200, A("10.10.1.1"), 12345, Lb4, 40000, Rs4, 1234));
        Add(Tcp(Lb4, 40001, Rs4, 1234, [.. Mss1460, .. P.Toa(254, 12346, A("10.10.1.2"))]),
            new Expected(ToaVariant.Toa, 254, A("10.10.1.2"), 12346, Lb4, 40001, Rs4, 1234));
        Add(Tcp(Rs4, 1234, Lb4, 40001, Mss1460, flags: Syn | Ack));
        Add(Tcp(Lb6, 40002, Rs6, 443, P.Toa(254, 443, A("2001:db8::99"))),
            new Expected(ToaVariant.ToaV6, 254, A("2001:db8::99"), 443, Lb6, 40002, Rs6, 443));
        Add(Tcp(Lb6, 40003, Rs6, 443, P.Toa(253, 444, A("2001:db8::98"))),
            new Expected(ToaVariant.ToaV6, 253, A("2001:db8::98"), 444, Lb6, 40003, Rs6, 443));
        Add(Tcp(Lb4, 40004, Rs4, 80, [.. P.Toa(254, 12347, A("10.10.1.4")), .. P.Toa(250, 80, A("1.2.3.4"))]),
            new Expected(ToaVariant.Toa, 254, A("10.10.1.4"), 12347, Lb4, 40004, Rs4, 80, A("1.2.3.4"), 80));
        Add(Tcp(Lb4, 40005, Rs4, 80, Vtoa(5555, A("10.9.9.9"), 777, A("1.2.3.5"), 8080)),
            new Expected(ToaVariant.Vtoa, 252, A("10.9.9.9"), 5555, Lb4, 40005, Rs4, 80, A("1.2.3.5"), 8080, 777));
        Add(Tcp(Lb6, 40006, Rs6, 80, V6Vtoa(6666, A("2001:db8::7"), 0xabcdef, A("2001:db8::8"))),
            new Expected(ToaVariant.V6Vtoa, 249, A("2001:db8::7"), 6666, Lb6, 40006, Rs6, 80, A("2001:db8::8"), null, 0xabcdef));
        Add(Tcp(Lb4, 40007, Rs4, 80, [.. Mss1460, .. SackOk, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, .. Nop, 3, 3, 7]));
        Add(Tcp(Lb4, 40008, Rs4, 80, P.Toa(254, 0xf989, A("10.10.1.3"))),
            new Expected(ToaVariant.Toa, 254, A("10.10.1.3"), 0xf989, Lb4, 40008, Rs4, 80));
        Add(Tcp(Lb4, 40000, Rs4, 1234, [], flags: Ack | Psh, payload: "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray()));
        Add(Tcp(Lb6, 40009, Rs6, 443, P.Toa(200, 12348, A("10.10.1.8")), ipv6ExtensionHeaders: [[1, 4, 0, 0, 0, 0]]),
            new Expected(ToaVariant.Toa, 200, A("10.10.1.8"), 12348, Lb6, 40009, Rs6, 443));
        Add(Tcp(Lb4, 40010, Rs4, 80, P.Toa(250, 8443, A("1.2.3.6"))),
            new Expected(ToaVariant.ToaVip, 250, null, null, Lb4, 40010, Rs4, 80, A("1.2.3.6"), 8443));
        Add(Ipv4(Lb4, Rs4, 17, [0x9c, 0x40, 0x00, 0x35, 0, 12, 0, 0, 1, 2, 3, 4])); // UDP
        Add(Tcp(Lb4, 40011, Rs4, 1234, [.. P.Toa(200, 12349, A("10.10.1.9"))], flags: Ack),
            new Expected(ToaVariant.Toa, 200, A("10.10.1.9"), 12349, Lb4, 40011, Rs4, 1234));
        return list;
    }

    /// <summary>Asserts that the records are exactly the expected ones, in order.</summary>
    public static void AssertMatches(IReadOnlyList<TruthPacket> packets, IReadOnlyList<ToaRecord> records,
        bool addressFromText = false, bool timestamps = false, string? path = null)
    {
        var expected = packets.SelectMany((p, i) => p.Toas.Select(t => (Packet: p, Number: i + 1, Toa: t))).ToList();
        Assert.Equal(expected.Count, records.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var (packet, number, e) = expected[i];
            var r = records[i];
            string at = $"record {i} (packet {number}, {e.Variant} kind {e.Kind})";
            bool portOnly = addressFromText && !e.TextHasAddress;
            Assert.True(Equals(portOnly ? ToaVariant.PortOnly : e.Variant, r.VariantValue), $"{at}: variant {r.VariantValue}");
            Assert.True(Same(portOnly ? null : e.Client, r.ClientAddress), $"{at}: client {r.ClientAddress}");
            Assert.True(e.ClientPort == r.ClientPort, $"{at}: client port {r.ClientPort}");
            Assert.True(e.Kind == r.OptionKind, $"{at}: kind {r.OptionKind}");
            Assert.True(Same(e.Source, r.Source) && e.SourcePort == r.SourcePort, $"{at}: source {r.Source}:{r.SourcePort}");
            Assert.True(Same(e.Destination, r.Destination) && e.DestinationPort == r.DestinationPort, $"{at}: destination {r.Destination}:{r.DestinationPort}");
            if (!portOnly)
            {
                Assert.True(Same(e.Virtual, r.VirtualAddress) && e.VirtualPort == r.VirtualPort, $"{at}: virtual {r.VirtualAddress}:{r.VirtualPort}");
                Assert.True(e.VpcId == r.VpcId, $"{at}: vpc {r.VpcId}");
            }
            if (timestamps) Assert.True(packet.Time.ToLocalTime() == r.Timestamp, $"{at}: timestamp {r.Timestamp:O}, expected {packet.Time.ToLocalTime():O}");
            else Assert.Null(r.Timestamp);
            Assert.True(number == r.PacketNumber, $"{at}: packet number {r.PacketNumber}");
            Assert.Equal(path, r.Path);
        }
    }

    private static bool Same(IPAddress? expected, NetworkAddress? actual) =>
        expected is null ? actual is null : actual is not null && actual.Equals(expected);
}
