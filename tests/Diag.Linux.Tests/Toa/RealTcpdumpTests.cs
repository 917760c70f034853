using Diag.Linux.Toa;
using static Diag.Linux.Tests.Toa.ToaTestSupport;

namespace Diag.Linux.Tests.Toa;

/// <summary>
/// The installed tcpdump reads a capture carrying every TOA layout (and packets without one), and its
/// text — plain, verbose, with hex dumps, with dates — decodes to what the packets hold; so does the
/// capture file itself.
/// </summary>
public sealed class RealTcpdumpTests : IDisposable
{
    private readonly TempFile _pcap = new();
    private readonly List<TruthPacket> _packets = ToaTruth.Packets();

    public RealTcpdumpTests()
    {
        using var writer = Diag.TestSupport.CaptureWriter.Pcap(File.Create(_pcap.Path), Diag.TestSupport.CaptureWriter.Ethernet);
        foreach (var p in _packets) writer.Write(Diag.TestSupport.TestPackets.Ethernet(p.Ip), p.Time);
    }

    public void Dispose() => _pcap.Dispose();

    [Theory]
    [InlineData("-nn")]
    [InlineData("-nn", "-v")]
    [InlineData("-nn", "-vv")]
    [InlineData("-nn", "-e")]
    [InlineData("-nn", "-#")]
    [InlineData("-nn", "-S", "-t")]
    public void TextWithoutAHexDumpHasEveryClientButKind254sAddress(params string[] options)
    {
        var text = Tcpdump.Read(_pcap.Path, options);
        var d = DecodeText(ToaKindMap.Default, text);
        Assert.Empty(d.Problems);
        ToaTruth.AssertMatches(_packets, d.Records, addressFromText: true);
        Assert.Equal(ToaNoticeKind.PortOnly, Assert.Single(d.Notices).Kind);
        foreach (var r in d.Records)
            Assert.Contains($"{r.SourcePort} > ", text[(int)r.LineNumber!.Value - 1]); // the line named is the packet's TCP line
    }

    [Theory]
    [InlineData("-nn", "-x")]
    [InlineData("-nn", "-xx")]
    [InlineData("-nn", "-X")]
    [InlineData("-nn", "-XX")]
    [InlineData("-nn", "-v", "-x")]
    [InlineData("-nn", "-e", "-xx")]
    public void TextWithAHexDumpHasEveryAddress(params string[] options)
    {
        var d = DecodeText(ToaKindMap.Default, Tcpdump.Read(_pcap.Path, options));
        Assert.Empty(d.Problems);
        Assert.Empty(d.Notices);
        ToaTruth.AssertMatches(_packets, d.Records);
    }

    [Theory]
    [InlineData("-nn", "-tttt")]
    [InlineData("-nn", "-tt", "-x")]
    [InlineData("-nn", "-tttt", "--time-stamp-precision=nano", "-x")]
    public void TextWithADateHasTimestamps(params string[] options)
    {
        var d = DecodeText(ToaKindMap.Default, Tcpdump.Read(_pcap.Path, options));
        ToaTruth.AssertMatches(_packets, d.Records, addressFromText: !options.Contains("-x"), timestamps: true);
    }

    [Fact]
    public void TheCaptureFileHasEverything()
    {
        var d = DecodeFile(_pcap.Path);
        Assert.Empty(d.Problems);
        Assert.Empty(d.Notices);
        ToaTruth.AssertMatches(_packets, d.Records, timestamps: true, path: _pcap.Path);
    }

    [Fact]
    public void TcpdumpSeesTheToaWhereTheTestPutIt()
    {
        // The capture is real: tcpdump itself prints the options the test wrote.
        var text = string.Join("\n", Tcpdump.Read(_pcap.Path, "-nn"));
        Assert.Contains("unknown-200 0x30390a0a0101", text);
        Assert.Contains("exp-303a", text);
        Assert.Contains("exp-tfo cookie 0a0a0103", text);
        Assert.Contains("unknown-249 0x1a0a", text);
    }

    [Fact]
    public void PcapngWithVlanTagsAndTwoTimestampResolutionsReadsLikeTcpdumpReadsIt()
    {
        using var file = new TempFile();
        using (var writer = Diag.TestSupport.CaptureWriter.Pcapng(File.Create(file.Path)))
        {
            writer.AddInterface(Diag.TestSupport.CaptureWriter.Ethernet);
            writer.AddInterface(Diag.TestSupport.CaptureWriter.Ethernet, tsresol: 9);
            for (int i = 0; i < _packets.Count; i++)
            {
                // 802.1Q, QinQ (802.1ad outer tag) and untagged frames; tcpdump wants one link type per file.
                ushort[] tags = (i % 3) switch { 0 => [100], 1 => [100, 200], _ => [] };
                writer.Write(Diag.TestSupport.TestPackets.Ethernet(_packets[i].Ip, tags), _packets[i].Time, i % 2);
            }
        }
        AssertTcpdumpTextAndFileAgree(file.Path);
    }

    [Fact]
    public void LinuxCookedV2CapturesOfTcpdumpDashIAnyReadLikeTcpdumpReadsThem()
    {
        using var file = new TempFile();
        using (var writer = Diag.TestSupport.CaptureWriter.Pcapng(File.Create(file.Path)))
        {
            writer.AddInterface(Diag.TestSupport.CaptureWriter.LinuxSll2);
            foreach (var p in _packets) writer.Write(Diag.TestSupport.TestPackets.Sll2(p.Ip), p.Time);
        }
        AssertTcpdumpTextAndFileAgree(file.Path);
    }

    private void AssertTcpdumpTextAndFileAgree(string path)
    {
        foreach (var options in new[] { new[] { "-nn", "-xx" }, ["-nn", "-XX", "-e"], ["-nn", "-x", "-tttt"], ["-nn", "-e"] })
        {
            var d = DecodeText(ToaKindMap.Default, Tcpdump.Read(path, options));
            Assert.Empty(d.Problems);
            ToaTruth.AssertMatches(_packets, d.Records, addressFromText: !options.Any(o => o.StartsWith("-x") || o.StartsWith("-X")), timestamps: options.Contains("-tttt"));
        }
        var file = DecodeFile(path);
        Assert.Empty(file.Problems);
        ToaTruth.AssertMatches(_packets, file.Records, timestamps: true, path: path);
    }
}
