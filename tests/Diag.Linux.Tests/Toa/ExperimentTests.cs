using System.Net;
using Diag.Linux.Toa;
using static Diag.Linux.Tests.Toa.ToaTestSupport;

namespace Diag.Linux.Tests.Toa;

/// <summary>
/// Kind 254 is both the TOA most balancers send and RFC 6994's shared experimental option: an AccECN handshake
/// (its 13-byte option with ExID 0xACC0), TCP Fast Open's cookie request and cookie, SMC-R's 32-bit id are
/// experiments, said once with -Verbose, never a TOA nor an error; a kind-254 option of a TOA's length is a TOA
/// whatever its first bytes, as the kernel's toa module reads it.
/// </summary>
public sealed class ExperimentTests : IClassFixture<ToaCaptureSuite>
{
    private readonly string _accEcn;

    public ExperimentTests(ToaCaptureSuite suite) => _accEcn = suite.PathOf("accecn");

    [Fact]
    public void TheCaptureFileHasTheToasAndNamesEachExperimentOnce()
    {
        var d = DecodeFile(_accEcn);
        Assert.Empty(d.Problems);
        Assert.Equal([(1L, "10.10.1.1", 12345), (9L, "10.10.1.4", 0xacc0), (10L, "2001:db8::5", 443)],
            d.Records.Select(r => (r.PacketNumber!.Value, r.ClientAddress!.ToString(), r.ClientPort!.Value)));
        var experiments = d.Notices.Where(n => n.Kind == ToaNoticeKind.Experiment).ToList();
        Assert.All(experiments, n => Assert.True(n.IsVerbose));
        Assert.Equal(3, experiments.Count); // AccECN on four packets, TCP Fast Open on two, SMC-R: once each
        Assert.Contains(experiments, n => n.Message.Contains("packet 3") && n.Message.Contains("0xACC0") && n.Message.Contains("13 bytes"));
        Assert.Contains(experiments, n => n.Message.Contains("packet 6") && n.Message.Contains("0xF989") && n.Message.Contains("TCP Fast Open"));
        Assert.Contains(experiments, n => n.Message.Contains("packet 8") && n.Message.Contains("0xE2D4C3D9") && n.Message.Contains("SMC-R"));
    }

    [Fact]
    public void TcpdumpPrintsTheAccEcnOptionAsItsExperimentId()
    {
        var text = string.Join("\n", Tcpdump.Read(_accEcn, "-nn"));
        Assert.Contains("exp-acc0", text);
        Assert.Contains("exp-e2d4", text);
        Assert.Contains("exp-tfo cookiereq", text);
    }

    [Theory]
    [InlineData("-nn", "-x")]
    [InlineData("-nn", "-v", "-X")]
    [InlineData("-nn", "-xx")]
    public void WithAHexDumpTheTextGivesWhatTheFileGivesAndNoFalsePortOnly(params string[] options)
    {
        var d = DecodeText(ToaKindMap.Default, Tcpdump.Read(_accEcn, options));
        Assert.Empty(d.Problems);
        Assert.DoesNotContain(d.Records, r => r.VariantValue == ToaVariant.PortOnly);
        Assert.DoesNotContain(d.Notices, n => n.Kind == ToaNoticeKind.PortOnly); // the -x it asked for was given
        Assert.Equal([1L, 9L, 10L], d.Records.Select(r => r.PacketNumber!.Value));
        Assert.Equal(IPAddress.Parse("10.10.1.4"), d.Records[1].ClientAddress); // exp-acc0 of a TOA's length is a TOA
        Assert.Contains(d.Notices, n => n.Kind == ToaNoticeKind.Experiment && n.Message.Contains("0xACC0") && n.Message.Contains("13 bytes"));
    }

    [Fact]
    public void WithoutAHexDumpARegisteredIdIsTheExperimentAndSaysHowToTellIt()
    {
        var d = DecodeText(ToaKindMap.Default, Tcpdump.Read(_accEcn, "-nn"));
        Assert.Empty(d.Problems);
        Assert.DoesNotContain(d.Records, r => r.ClientPort == 0xacc0); // not three false PortOnly records with port 44224
        Assert.Equal([1L, 10L], d.Records.Select(r => r.PacketNumber!.Value));
        var notice = Assert.Single(d.Notices, n => n.Kind == ToaNoticeKind.Experiment && n.Message.Contains("exp-acc0"));
        Assert.True(notice.IsVerbose);
        Assert.Contains("44224", notice.Message);
        Assert.Contains("-x", notice.Message);
    }

    [Fact]
    public void AnUnregisteredIdOfAWrongLengthIsStillABrokenToa()
    {
        using var file = new TempFile();
        using (var w = Diag.TestSupport.CaptureWriter.Pcap(File.Create(file.Path), Diag.TestSupport.CaptureWriter.Raw))
            w.Write(Diag.TestSupport.TestPackets.Tcp(Ip("1.1.1.1"), 5, Ip("2.2.2.2"), 80, Diag.TestSupport.TestPackets.Experiment(0xbeef, data: [1, 2, 3, 4, 5, 6])), DateTime.UtcNow);
        var problem = Assert.Single(DecodeFile(file.Path).Problems);
        Assert.Equal(ToaProblemKind.WrongLength, problem.Kind);
        Assert.Contains("option kind 254 is 10 bytes long", problem.Message);
        var text = DecodeText(ToaKindMap.Default, Tcpdump.Read(file.Path, "-nn", "-x"));
        Assert.Equal(ToaProblemKind.WrongLength, Assert.Single(text.Problems).Kind);
        Assert.Empty(text.Records);
    }

    [Fact]
    public void EveryRegisteredIdIsKnownByItsFirstSixteenBitsToo()
    {
        foreach (var e in TcpExperiment.All)
        {
            int first16 = (int)(e.Bits == 32 ? e.Id >> 16 : e.Id);
            Assert.True(TcpExperiment.TryFindFirst16(254, first16, out var found) && found == e, e.IdText);
            Assert.True(TcpExperiment.TryFindFirst16(253, first16, out _), e.IdText);
            Assert.False(TcpExperiment.TryFindFirst16(200, first16, out _), "only the experimental kinds carry experiment ids");
        }
        Assert.Equal(TcpExperiment.All.Count, TcpExperiment.All.Select(e => e.Bits == 32 ? e.Id >> 16 : e.Id).Distinct().Count());
    }
}
