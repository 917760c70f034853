using Diag.Linux.Toa;
using Diag.Linux.Toa.Text;
using static Diag.Linux.Tests.Toa.ToaTestSupport;

namespace Diag.Linux.Tests.Toa;

/// <summary>tcpdump's text, in every spelling it has had, read back into TOAs.</summary>
public class TcpdumpTextTests
{
    // The line from the LVS FULLNAT incident, as tcpdump 4.0–4.4 printed it.
    private const string SeedLine = "... ack 1562404315, win 29, options [Unknown Option 20030390a0a0101], length 0";

    [Fact]
    public void TheIncidentLineDecodesToItsClient()
    {
        var r = DecodeText(SeedLine).Single();
        Assert.Equal(Addr("10.10.1.1"), r.ClientAddress);
        Assert.Equal(12345, r.ClientPort);
        Assert.Equal(200, r.OptionKind);
        Assert.Equal(ToaVariant.Toa, r.VariantValue);
        Assert.Equal(1, r.LineNumber);
        Assert.Equal("10.10.1.1:12345", r.Client);
    }

    [Fact]
    public void TheBareOptionTextDecodesToo() =>
        Assert.Equal(Addr("10.10.1.1"), DecodeText("Unknown Option 20030390a0a0101").Single().ClientAddress);

    [Theory]
    // tcpdump <= 3.9.8
    [InlineData("12:00:00.000001 192.168.0.5.40000 > 10.0.0.2.1234: S 1:1(0) win 8192 <mss 1460,opt-200:30390a0a0101>")]
    // tcpdump 4.0–4.4
    [InlineData("12:00:00.000001 IP 192.168.0.5.40000 > 10.0.0.2.1234: Flags [S], seq 1, win 8192, options [mss 1460,Unknown Option 20030390a0a0101], length 0")]
    // tcpdump >= 4.5 (Debian's 4.99)
    [InlineData("12:00:00.000001 IP 192.168.0.5.40000 > 10.0.0.2.1234: Flags [S], seq 1, win 8192, options [mss 1460,unknown-200 0x30390a0a0101], length 0")]
    public void EverySpellingOfTheSamePacketGivesTheSameRecord(string line)
    {
        var r = DecodeText(line).Single();
        Assert.Equal(Addr("10.10.1.1"), r.ClientAddress);
        Assert.Equal(12345, r.ClientPort);
        Assert.Equal(Addr("192.168.0.5"), r.Source);
        Assert.Equal(40000, r.SourcePort);
        Assert.Equal(Addr("10.0.0.2"), r.Destination);
        Assert.Equal(1234, r.DestinationPort);
        Assert.Equal(200, r.OptionKind);
        Assert.Null(r.Timestamp); // a time of day without a date is not a timestamp
    }

    [Fact]
    public void Kind254SplitsFromItsDataIn40Spelling()
    {
        var r = DecodeText("IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [Unknown Option 25430390a0a0102]").Single();
        Assert.Equal(254, r.OptionKind);
        Assert.Equal(Addr("10.10.1.2"), r.ClientAddress);
    }

    [Fact]
    public void Exp254GivesThePortOnlyAndOneWarningWithTheRemedy()
    {
        var d = DecodeText(
            "12:00:00.1 IP 192.168.0.5.40001 > 10.0.0.2.80: Flags [S], seq 1, win 8192, options [mss 1460,exp-3039], length 0",
            "12:00:00.2 IP 192.168.0.5.40002 > 10.0.0.2.80: Flags [S], seq 1, win 8192, options [mss 1460,exp-303a], length 0");
        Assert.Equal([12345, 12346], d.Records.Select(r => r.ClientPort));
        Assert.All(d.Records, r => Assert.Null(r.ClientAddress));
        Assert.All(d.Records, r => Assert.Equal(ToaVariant.PortOnly, r.VariantValue));
        var warning = Assert.Single(d.Notices);
        Assert.Equal(ToaNoticeKind.PortOnly, warning.Kind);
        Assert.Contains("-x", warning.Message);
        Assert.Contains("-Path", warning.Message);
        Assert.Empty(d.Problems);
    }

    [Fact]
    public void Exp254WithTheFastOpenIdStillCarriesTheAddress()
    {
        // Port 63881 is f989, TCP Fast Open's experiment id: tcpdump prints the rest as a cookie.
        var r = DecodeText("IP 192.168.0.5.40008 > 10.0.0.2.80: Flags [S], seq 1, win 8192, options [exp-tfo cookie 0a0a0103], length 0").Single();
        Assert.Equal(63881, r.ClientPort);
        Assert.Equal(Addr("10.10.1.3"), r.ClientAddress);
        Assert.Empty(DecodeText("IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [exp-tfo cookiereq]").Records);
    }

    [Fact]
    public void VerboseOutputSpansTwoLinesAndKeepsTheTcpLineNumber()
    {
        var d = DecodeText(
            "12:00:00.000000 IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto TCP (6), length 56)",
            "    192.168.0.5.40000 > 10.0.0.2.80: Flags [S], cksum 0x0000 (incorrect -> 0xdb8a), seq 1, win 8192, options [mss 1460,nop,nop,unknown-200 0x30390a0a0101,nop,nop], length 0",
            "12:00:01.000000 IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto TCP (6), length 40)",
            "    192.168.0.5.40001 > 10.0.0.2.80: Flags [S], cksum 0x0000 (incorrect -> 0x28a1), seq 1, win 8192, length 0");
        var r = d.Single();
        Assert.Equal(2, r.LineNumber);
        Assert.Equal(1, r.PacketNumber);
        Assert.Equal(Addr("192.168.0.5"), r.Source);
    }

    [Fact]
    public void Ipv6AndEveryLayoutDecode()
    {
        var d = DecodeText(
            "IP6 fd00::5.40003 > fd00::2.80: Flags [S], seq 1, win 8192, options [unknown-253 0x01bc20010db8000000000000000000000098], length 0",
            "IP 192.168.0.5.40004 > 10.0.0.2.80: Flags [S], seq 1, win 8192, options [unknown-254 0x30390a0a0102,unknown-250 0x005001020304], length 0",
            "IP 192.168.0.5.40005 > 10.0.0.2.80: Flags [S], seq 1, win 8192, options [unknown-252 0x15b30a09090900000309010203051f900000], length 0",
            "IP6 fd00::5.40006 > fd00::2.80: Flags [S], seq 1, win 8192, options [unknown-249 0x1a0a20010db80000000000000000000000070030390020010db8000000000000000000000008], length 0");
        Assert.Empty(d.Problems);
        Assert.Equal(4, d.Records.Count);
        var v6 = d.Records[0];
        Assert.Equal((Addr("2001:db8::98"), 444, ToaVariant.ToaV6, Addr("fd00::5")), (v6.ClientAddress, v6.ClientPort, v6.VariantValue, v6.Source));
        Assert.Equal("[2001:db8::98]:444", v6.Client);
        var withVip = d.Records[1];
        Assert.Equal((Addr("10.10.1.2"), Addr("1.2.3.4"), 80), (withVip.ClientAddress, withVip.VirtualAddress, withVip.VirtualPort));
        var vtoa = d.Records[2];
        Assert.Equal((Addr("10.9.9.9"), 5555, 777u, Addr("1.2.3.5"), 8080), (vtoa.ClientAddress, vtoa.ClientPort, vtoa.VpcId, vtoa.VirtualAddress, vtoa.VirtualPort));
        var v6vtoa = d.Records[3];
        Assert.Equal((Addr("2001:db8::7"), 6666, 0x3039u, Addr("2001:db8::8")), (v6vtoa.ClientAddress, v6vtoa.ClientPort, v6vtoa.VpcId, v6vtoa.VirtualAddress));
    }

    [Fact]
    public void AVipOptionAloneIsARecordWithoutAClient()
    {
        var r = DecodeText("IP 192.168.0.5.40004 > 10.0.0.2.80: Flags [S], options [unknown-250 0x005001020304], length 0").Single();
        Assert.Equal(ToaVariant.ToaVip, r.VariantValue);
        Assert.Null(r.ClientAddress);
        Assert.Equal(Addr("1.2.3.4"), r.VirtualAddress);
    }

    [Fact]
    public void PacketsWithoutToaAreSkippedSilently()
    {
        var d = DecodeText(
            "reading from file t.pcap, link-type EN10MB (Ethernet), snapshot length 65535",
            "12:00:00.000000 IP 192.168.0.5.40001 > 10.0.0.2.80: Flags [S], seq 1, win 8192, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0",
            "12:00:00.000001 IP 10.0.0.2.80 > 192.168.0.5.40001: Flags [S.], seq 1, ack 2, win 8192, length 0",
            "12:00:00.000002 ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28",
            "12:00:00.000003 IP 2024-05-01.example > x: not even tcp-ish unknown-",
            "3 packets captured");
        Assert.Empty(d.Records);
        Assert.Empty(d.Problems);
        Assert.Empty(d.Notices);
    }

    [Theory]
    [InlineData("IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a01], length 0", ToaProblemKind.WrongLength, "7 bytes")]
    [InlineData("IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a010], length 0", ToaProblemKind.InvalidHex, "odd")]
    [InlineData("IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a01zz], length 0", ToaProblemKind.InvalidHex, "other characters")]
    public void ABadOptionIsAProblemNamingTheLineAndTheRestStillDecodes(string bad, ToaProblemKind kind, string says)
    {
        var good = "IP 1.1.1.1.6 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101], length 0";
        var d = DecodeText(good, bad, good);
        Assert.Equal(2, d.Records.Count);
        Assert.Equal([1L, 3L], d.Records.Select(r => r.LineNumber!.Value));
        var problem = Assert.Single(d.Problems);
        Assert.Equal(kind, problem.Kind);
        Assert.Equal(2, problem.LineNumber);
        Assert.Equal(bad, problem.Line);
        Assert.StartsWith("Line 2 (packet 2): ", problem.Message);
        Assert.Contains(says, problem.Message);
    }

    [Theory]
    [InlineData("2024-05-01 12:34:56.789012 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101]", "2024-05-01T12:34:56.7890120")]
    [InlineData("1714566896.789012 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101]", null)]
    [InlineData("    7  2024-05-01 12:34:56.789012345 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101]", "2024-05-01T12:34:56.7890123")]
    public void DatesAreReadFromTtttAndTt(string line, string? local)
    {
        var r = DecodeText(line).Single();
        var expected = local is null
            ? DateTime.UnixEpoch.AddTicks(1714566896_7890120).ToLocalTime()
            : DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, r.Timestamp);
        Assert.Equal(DateTimeKind.Local, r.Timestamp!.Value.Kind);
        Assert.Equal(expected.TimeOfDay, r.TimeOfDay);
    }

    [Theory]
    [InlineData("17:53:20.123456 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101], length 0", "17:53:20.1234560")]
    [InlineData("    3  08:00:01.987654321 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101], length 0", "08:00:01.9876543")]
    [InlineData("IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101], length 0", null)]
    public void TheDefaultTimeOfDayIsKeptWithoutADate(string line, string? timeOfDay)
    {
        var r = DecodeText(line).Single();
        Assert.Null(r.Timestamp);
        Assert.Equal(timeOfDay is null ? null : TimeSpan.Parse(timeOfDay, System.Globalization.CultureInfo.InvariantCulture), r.TimeOfDay);
    }

    [Fact]
    public void DeltasOfTtttAreNoTimeOfDay()
    {
        // tcpdump -ttt prints the time since the previous packet in the same format, the first one 00:00:00.000000.
        var records = DecodeText(
            "00:00:00.000000 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101], length 0",
            "00:00:01.250000 IP 1.1.1.1.6 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0102], length 0").Records;
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Null(r.TimeOfDay));
    }

    [Fact]
    public void NamesInsteadOfNumbersAreWarnedOnceAndKnownServicesMappedBack()
    {
        var d = DecodeText(
            "IP lb1.example.com.40000 > web.example.com.http: Flags [S], options [unknown-200 0x30390a0a0101], length 0",
            "IP 192.168.0.5.40000 > 10.0.0.2.http: Flags [S], options [unknown-200 0x30390a0a0101], length 0");
        Assert.Null(d.Records[0].Source);
        Assert.Equal(40000, d.Records[0].SourcePort);
        Assert.Equal(Addr("10.10.1.1"), d.Records[0].ClientAddress);
        Assert.Equal(Addr("10.0.0.2"), d.Records[1].Destination);
        if (File.Exists("/etc/services") && File.ReadAllText("/etc/services").Contains("80/tcp")) Assert.Equal(80, d.Records[1].DestinationPort);
        var notice = Assert.Single(d.Notices);
        Assert.Equal(ToaNoticeKind.NamesInsteadOfNumbers, notice.Kind);
        Assert.Contains("-nn", notice.Message);
    }

    [Fact]
    public void EthernetHeadersWithDashEAreNotTakenForEndpoints()
    {
        var r = DecodeText("12:00:00.1 66:77:88:99:aa:bb > 00:11:22:33:44:55, ethertype 802.1Q (0x8100), length 78: vlan 100, p 0, ethertype IPv4 (0x0800), 192.168.0.5.40007 > 10.0.0.2.80: Flags [S], seq 1, options [unknown-200 0x30390a0a0101], length 0").Single();
        Assert.Equal((Addr("192.168.0.5"), 40007, Addr("10.0.0.2"), 80), (r.Source, r.SourcePort, r.Destination, r.DestinationPort));
    }

    [Fact]
    public void ManyLinesInOneStringAreReadLikeGetContentRaw()
    {
        var text = "IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101]\r\n" +
                   "IP 1.1.1.1.6 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0102]\n";
        var d = DecodeText(text);
        Assert.Equal([1L, 2L], d.Records.Select(r => r.LineNumber!.Value));
    }

    [Fact]
    public void AFullOptionIsEmittedAsSoonAsItsLineArrives()
    {
        var decoder = new TcpdumpTextDecoder(ToaKindMap.Default);
        var output = new List<object>();
        decoder.Push("12:00:00.1 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101], length 0", output);
        Assert.Single(output.OfType<ToaRecord>()); // a live tcpdump -l user is not kept waiting for the next packet
    }

    [Fact]
    public void APortOnlyPacketWaitsForItsHexDumpUntilTheStreamIsKnownToHaveNone()
    {
        var decoder = new TcpdumpTextDecoder(ToaKindMap.Default);
        var output = new List<object>();
        decoder.Push("12:00:00.1 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [exp-3039], length 0", output);
        Assert.Empty(output); // a hex dump may follow
        decoder.Push("12:00:00.2 IP 1.1.1.1.6 > 2.2.2.2.80: Flags [S], options [exp-303a], length 0", output);
        // The first packet ended without a dump: it is emitted, and the stream has no dumps, so the second goes at once.
        Assert.Equal([12345, 12346], output.OfType<ToaRecord>().Select(r => r.ClientPort!.Value));
        Assert.Single(output.OfType<ToaNotice>());
    }

    [Fact]
    public void AHexDumpGivesKind254ItsAddressAsSoonAsTheTcpHeaderIsIn()
    {
        var decoder = new TcpdumpTextDecoder(ToaKindMap.Default);
        var output = new List<object>();
        decoder.Push("22:13:21.123456 IP 192.168.0.5.40001 > 10.0.0.2.80: Flags [S], seq 1, win 8192, options [mss 1460,exp-3039], length 0", output);
        decoder.Push("\t0x0000:  4500 0034 0001 0000 4006 b014 c0a8 0005", output);
        decoder.Push("\t0x0010:  0a00 0002 9c41 0050 0000 0001 0000 0000", output);
        decoder.Push("\t0x0020:  8002 2000 0000 0000 0204 05b4 fe08 3039", output);
        Assert.Empty(output);
        decoder.Push("\t0x0030:  0a0a 0102", output);
        var r = Assert.Single(output.OfType<ToaRecord>());
        Assert.Equal((Addr("10.10.1.2"), 12345, ToaVariant.Toa, 254), (r.ClientAddress, r.ClientPort, r.VariantValue, r.OptionKind));
        Assert.Equal((Addr("192.168.0.5"), 40001), (r.Source, r.SourcePort));
        Assert.Equal(1, r.LineNumber);
        decoder.Complete(output);
        Assert.Single(output); // no warning, no second record
    }

    [Fact]
    public void AnAsciiColumnAndALinkHeaderInTheDumpAreHandled()
    {
        var d = DecodeText(
            "22:13:21.123456 IP 192.168.0.5.40001 > 10.0.0.2.80: Flags [S], seq 1, win 8192, options [mss 1460,exp-3039], length 0",
            "\t0x0000:  0011 2233 4455 6677 8899 aabb 0800 4500  .\"3DUfw......E.",
            "\t0x0010:  0034 0001 0000 4006 b014 c0a8 0005 0a00  .4....@.........",
            "\t0x0020:  0002 9c41 0050 0000 0001 0000 0000 8002  ...A.P..........",
            "\t0x0030:  2000 0000 0000 0204 05b4 fe08 3039 0a0a  ............09..",
            "\t0x0040:  0102                                     ..");
        Assert.Equal(Addr("10.10.1.2"), d.Single().ClientAddress);
        Assert.Empty(d.Notices);
    }

    [Fact]
    public void OptionKindMapsAnotherKindAndRemovesOne()
    {
        var map = ToaKindMap.Default.With([new(230, [ToaVariant.Toa]), new(200, [])]);
        var d = DecodeText(map, [
            "IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-230 0x30390a0a0101]",
            "IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101]"]);
        Assert.Equal(230, d.Single().OptionKind);
    }
}
