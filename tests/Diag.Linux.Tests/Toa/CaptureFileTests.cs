using System.Buffers.Binary;
using System.Net;
using Diag.Linux.Toa;
using static Diag.Linux.Tests.Toa.ToaTestSupport;
using P = Diag.TestSupport.TestPackets;

namespace Diag.Linux.Tests.Toa;

/// <summary>Capture files in every format variant, link type and kind of damage.</summary>
public sealed class CaptureFileTests : IDisposable
{
    private readonly TempFile _file = new();
    private readonly List<TruthPacket> _packets = ToaTruth.Packets();

    public void Dispose() => _file.Dispose();

    private void WritePcap(int linkType, Func<byte[], byte[]> frame, bool nanoseconds = false, bool bigEndian = false)
    {
        using var w = CaptureWriter.Pcap(File.Create(_file.Path), linkType, nanoseconds, bigEndian);
        foreach (var p in _packets) w.Write(frame(p.Ip), p.Time);
    }

    private void WritePcap(int linkType, Action<CaptureWriter> write, uint snaplen = 262144)
    {
        using var w = CaptureWriter.Pcap(File.Create(_file.Path), linkType, snaplen: snaplen);
        write(w);
    }

    /// <summary>A pcapng file with one Ethernet interface.</summary>
    private void WritePcapng(Action<CaptureWriter> write)
    {
        using var w = CaptureWriter.Pcapng(File.Create(_file.Path));
        w.AddInterface(CaptureWriter.Ethernet);
        write(w);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void PcapInEitherByteOrderAndTimestampResolution(bool nanoseconds, bool bigEndian)
    {
        WritePcap(CaptureWriter.Ethernet, ip => P.Ethernet(ip), nanoseconds, bigEndian);
        var d = DecodeFile(_file.Path);
        Assert.Empty(d.Problems);
        ToaTruth.AssertMatches(_packets, d.Records, timestamps: true, path: _file.Path);
    }

    [Theory]
    [InlineData(CaptureWriter.Raw)]
    [InlineData(CaptureWriter.LinuxSll)]
    [InlineData(CaptureWriter.LinuxSll2)]
    [InlineData(CaptureWriter.Ethernet, (ushort)7)]
    [InlineData(CaptureWriter.Ethernet, (ushort)7, (ushort)8, (ushort)9)]
    public void EveryLinkTypeAndVlanDepth(int linkType, params ushort[] vlans)
    {
        WritePcap(linkType, ip => linkType switch
        {
            CaptureWriter.Raw => ip,
            CaptureWriter.LinuxSll => P.Sll(ip),
            CaptureWriter.LinuxSll2 => P.Sll2(ip),
            _ => P.Ethernet(ip, vlans),
        });
        ToaTruth.AssertMatches(_packets, DecodeFile(_file.Path).Records, timestamps: true, path: _file.Path);
    }

    [Fact]
    public void PcapngWithInterfacesOfDifferentLinkTypesResolutionsAndByteOrder()
    {
        foreach (bool bigEndian in new[] { false, true })
        {
            using (var w = CaptureWriter.Pcapng(File.Create(_file.Path), bigEndian))
            {
                w.AddInterface(CaptureWriter.Ethernet);
                w.AddInterface(CaptureWriter.LinuxSll2, tsresol: 9);
                w.AddInterface(CaptureWriter.Raw, tsresol: 0x80 | 20); // 2^-20 s
                for (int i = 0; i < _packets.Count; i++)
                {
                    var p = _packets[i];
                    switch (i % 3)
                    {
                        case 0: w.Write(P.Ethernet(p.Ip, 5), p.Time, 0); break;
                        case 1: w.Write(P.Sll2(p.Ip), p.Time, 1); break;
                        default: w.Write(p.Ip, p.Time, 2); break;
                    }
                }
            }
            var d = DecodeFile(_file.Path);
            Assert.Empty(d.Problems);
            // 2^-20 s ticks round down: compare to the microsecond.
            var records = d.Records.Select(r => (r, t: r.Timestamp!.Value)).ToList();
            ToaTruth.AssertMatches(_packets, d.Records.Select(Truncate).ToList(), timestamps: false, path: _file.Path);
            Assert.All(records.Zip(_packets.Where(p => p.Toas.Length > 0).SelectMany(p => p.Toas.Select(_ => p))),
                x => Assert.True(Math.Abs((x.First.t.ToUniversalTime() - x.Second.Time).TotalMicroseconds) < 1.5, $"{x.First.t:O} vs {x.Second.Time:O}"));
        }

        static ToaRecord Truncate(ToaRecord r) => Clone(r, timestamp: null);
    }

    [Fact]
    public void APcapngSimplePacketBlockHasNoTimestampButItsToa()
    {
        WritePcapng(w => w.Write(P.Ethernet(_packets[0].Ip), _packets[0].Time, simpleBlock: true));
        var r = DecodeFile(_file.Path).Single();
        Assert.Null(r.Timestamp);
        Assert.Equal(IPAddress.Parse("10.10.1.1"), r.ClientAddress);
    }

    [Fact]
    public void AFileCutInsideAPacketStillGivesItsToaAndSaysWhere()
    {
        // The last packet carries a TOA and a payload; the file ends inside the payload.
        var last = P.Ethernet(P.Tcp(IPAddress.Parse("192.168.0.5"), 40020, IPAddress.Parse("10.0.0.2"), 80,
            P.Toa(200, 12350, IPAddress.Parse("10.10.1.20")), flags: P.Ack | P.Psh, payload: new byte[100]));
        using (var w = CaptureWriter.Pcap(File.Create(_file.Path), CaptureWriter.Ethernet))
        {
            foreach (var p in _packets) w.Write(P.Ethernet(p.Ip), p.Time);
            w.Write(last, _packets[^1].Time);
        }
        var bytes = File.ReadAllBytes(_file.Path);
        File.WriteAllBytes(_file.Path, bytes[..(bytes.Length - 50)]);
        var d = DecodeFile(_file.Path);
        var problem = Assert.Single(d.Problems);
        Assert.Equal(ToaProblemKind.TruncatedCapture, problem.Kind);
        Assert.Equal(_packets.Count + 1, problem.PacketNumber);
        Assert.Equal(bytes.Length - 16 - last.Length, problem.FileOffset);
        Assert.Contains($"packet {_packets.Count + 1} at offset {problem.FileOffset} is cut", problem.Message);
        ToaTruth.AssertMatches(_packets, d.Records.SkipLast(1).ToList(), timestamps: true, path: _file.Path);
        Assert.Equal(IPAddress.Parse("10.10.1.20"), d.Records[^1].ClientAddress);
    }

    [Fact]
    public void ACorruptRecordIsSkippedAndReadingResumesAtTheNextPacket()
    {
        WritePcap(CaptureWriter.Ethernet, ip => P.Ethernet(ip));
        var bytes = File.ReadAllBytes(_file.Path);
        // Packet 3's captured length becomes impossible.
        int offset = 24;
        for (int i = 0; i < 2; i++) offset += 16 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset + 8), 0x7fffffff);
        File.WriteAllBytes(_file.Path, bytes);
        var d = DecodeFile(_file.Path);
        var problem = Assert.Single(d.Problems);
        Assert.Equal(ToaProblemKind.CorruptCapture, problem.Kind);
        Assert.Equal(3, problem.PacketNumber);
        Assert.Equal(offset, problem.FileOffset);
        Assert.Contains("skipped", problem.Message);
        // Packet 3 carried no TOA; every other packet's TOA is still there.
        Assert.Equal(_packets.Sum(p => p.Toas.Length), d.Records.Count);
        Assert.Equal(IPAddress.Parse("2001:db8::99"), d.Records[2].ClientAddress);
    }

    [Fact]
    public void ARecordWithAWholeSecondInItsFractionIsReadAsLibpcapReadsIt()
    {
        WritePcap(CaptureWriter.Ethernet, ip => P.Ethernet(ip));
        var bytes = File.ReadAllBytes(_file.Path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24 + 4), 1_000_000); // packet 1: 1,000,000 microseconds
        File.WriteAllBytes(_file.Path, bytes);
        var d = DecodeFile(_file.Path);
        Assert.Empty(d.Problems);
        Assert.Equal(_packets.Sum(p => p.Toas.Length), d.Records.Count);
        Assert.Equal(_packets[0].Time.AddTicks(-(_packets[0].Time.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1).ToLocalTime(), d.Records[0].Timestamp);
    }

    [Fact]
    public void ACorruptPcapngBlockIsSkippedToTheNextBlock()
    {
        WritePcapng(w => { foreach (var p in _packets) w.Write(P.Ethernet(p.Ip), p.Time); });
        var bytes = File.ReadAllBytes(_file.Path);
        // The third enhanced packet block's length byte gets corrupted.
        int offset = 0, blocks = 0;
        while (true)
        {
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            if (type == 6 && ++blocks == 3) break;
            offset += (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4));
        }
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset + 4), 13);
        File.WriteAllBytes(_file.Path, bytes);
        var d = DecodeFile(_file.Path);
        var problem = Assert.Single(d.Problems);
        Assert.Equal(ToaProblemKind.CorruptCapture, problem.Kind);
        Assert.Equal(offset, problem.FileOffset);
        Assert.Equal(_packets.Sum(p => p.Toas.Length), d.Records.Count);
    }

    [Fact]
    public void AFileThatIsNoCaptureIsOneProblem()
    {
        File.WriteAllText(_file.Path, "12:00:00 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101]\n");
        var problem = Assert.Single(DecodeFile(_file.Path).Problems);
        Assert.Equal(ToaProblemKind.UnknownCaptureFormat, problem.Kind);
        Assert.Contains("neither pcap", problem.Message);
    }

    [Fact]
    public void AnUnsupportedLinkTypeIsReportedOnce()
    {
        WritePcap(105, w => { foreach (var p in _packets) w.Write(p.Ip, p.Time); });
        var d = DecodeFile(_file.Path);
        var problem = Assert.Single(d.Problems);
        Assert.Equal(ToaProblemKind.UnsupportedLinkType, problem.Kind);
        Assert.Contains("IEEE802_11", problem.Message);
        Assert.Empty(d.Records);
    }

    [Fact]
    public void AWrongLengthToaIsAProblemAtItsPacketAndTheOthersDecode()
    {
        WritePcap(CaptureWriter.Raw, w =>
        {
            w.Write(_packets[0].Ip, _packets[0].Time);
            w.Write(P.Tcp(IPAddress.Parse("1.1.1.1"), 5, IPAddress.Parse("2.2.2.2"), 80, P.Option(200, 1, 2, 3, 4, 5, 6, 7, 8)), _packets[0].Time);
            // Kind 254 with TCP Fast Open's experiment id is a real TFO option, not a broken TOA.
            w.Write(P.Tcp(IPAddress.Parse("1.1.1.1"), 5, IPAddress.Parse("2.2.2.2"), 80, P.Option(254, 0xf9, 0x89)), _packets[0].Time);
            w.Write(_packets[0].Ip, _packets[0].Time);
        });
        var d = DecodeFile(_file.Path);
        var problem = Assert.Single(d.Problems);
        Assert.Equal(ToaProblemKind.WrongLength, problem.Kind);
        Assert.Equal(2, problem.PacketNumber);
        Assert.Contains("option kind 200 is 10 bytes long, but a kind-200 TOA is 8 bytes (port, IPv4)", problem.Message);
        Assert.Equal([1L, 4L], d.Records.Select(r => r.PacketNumber!.Value));
    }

    [Fact]
    public void ASnaplenThatCutsTheOptionsIsOneNoticeWithTheCount()
    {
        WritePcap(CaptureWriter.Ethernet, w => { foreach (var p in _packets) w.Write(P.Ethernet(p.Ip), p.Time, capturedLength: 60); }, snaplen: 60);
        var d = DecodeFile(_file.Path);
        var notice = Assert.Single(d.Notices);
        Assert.Equal(ToaNoticeKind.OptionsCut, notice.Kind);
        Assert.Contains("-s 0", notice.Message);
        Assert.Empty(d.Problems);
        Assert.True(d.Records.Count < _packets.Sum(p => p.Toas.Length));
    }

    [Fact]
    public void IpFragmentsAfterTheFirstAndOtherProtocolsAreSkipped()
    {
        var fragment = P.Tcp(IPAddress.Parse("1.1.1.1"), 5, IPAddress.Parse("2.2.2.2"), 80, P.Toa(200, 1, IPAddress.Parse("3.3.3.3")));
        fragment[6] = 0x00;
        fragment[7] = 0x10; // offset 128 bytes: no TCP header in it
        WritePcap(CaptureWriter.Raw, w => w.Write(fragment, _packets[0].Time));
        Assert.Empty(DecodeFile(_file.Path).Records);
    }

    [Fact]
    public void AnIpv6ExtensionHeaderLongerThanThePacketIsNotRead()
    {
        // Found by the fuzz test: a hop-by-hop length that points past the end of the packet.
        var ip = P.Tcp(IPAddress.Parse("fd00::5"), 5, IPAddress.Parse("fd00::2"), 80, P.Toa(200, 1, IPAddress.Parse("3.3.3.3")), ipv6ExtensionHeaders: [[1, 4, 0, 0, 0, 0]]);
        ip[41] = 200;
        WritePcap(CaptureWriter.Raw, w => w.Write(ip, _packets[0].Time));
        var d = DecodeFile(_file.Path);
        Assert.Empty(d.Records);
        Assert.Empty(d.Problems);
    }

    [Fact]
    public void AMissingFileIsAReadProblem()
    {
        var problem = Assert.Single(DecodeFile(_file.Path + ".missing").Problems);
        Assert.Equal(ToaProblemKind.ReadFailed, problem.Kind);
    }

    private static ToaRecord Clone(ToaRecord r, DateTime? timestamp) => new()
    {
        Timestamp = timestamp, Source = r.Source, SourcePort = r.SourcePort, Destination = r.Destination, DestinationPort = r.DestinationPort,
        ClientAddress = r.ClientAddress, ClientPort = r.ClientPort, VirtualAddress = r.VirtualAddress, VirtualPort = r.VirtualPort, VpcId = r.VpcId,
        OptionKind = r.OptionKind, VariantValue = r.VariantValue, LineNumber = r.LineNumber, Path = r.Path, PacketNumber = r.PacketNumber,
    };
}
