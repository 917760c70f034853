using Diag.Linux.Toa;
using static Diag.Linux.Tests.Toa.ToaTestSupport;

namespace Diag.Linux.Tests.Toa;

/// <summary>
/// The text and the file say the same: for every capture of the suite, the installed tcpdump's text in each mode
/// decodes, packet by packet, to what ConvertFrom-Toa -Path reads from the file. With a hex dump the text has every
/// byte of the TCP header, so records, problems and the cut-options warning are the same; without one, kind 254 has
/// only its port (PortOnly), a registered experiment id printed as exp-XXXX is taken for that experiment, and a
/// problem that only the bytes show is not reported, but nothing else differs.
/// </summary>
public sealed class TextAndFileAgreementTests : IClassFixture<ToaCaptureSuite>
{
    private static readonly string[][] HexModes =
    [
        ["-nn", "-x"], ["-nn", "-xx"], ["-nn", "-X"], ["-nn", "-v", "-x"], ["-nn", "-e", "-XX"], ["-nn", "-#", "-tttt", "-x"],
    ];

    private static readonly string[][] TextModes =
    [
        ["-nn"], ["-nn", "-v"], ["-nn", "-vv"], ["-nn", "-A"], ["-nn", "-v", "-A"], ["-nn", "-#", "-A"], ["-nn", "-t", "-A"], ["-nn", "-tttt", "-A"],
        ["-nn", "-e", "-A"],
    ];

    private readonly ToaCaptureSuite _suite;

    public TextAndFileAgreementTests(ToaCaptureSuite suite) => _suite = suite;

    public static IEnumerable<object[]> Cases() =>
        from name in ToaCaptureSuite.Names
        from mode in HexModes.Concat(TextModes)
        select new object[] { name, string.Join(' ', mode) };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TextAndFileAgreePacketByPacket(string capture, string mode)
    {
        var path = _suite.PathOf(capture);
        var options = mode.Split(' ');
        bool hex = options.Any(o => o.StartsWith("-x", StringComparison.Ordinal) || o.StartsWith("-X", StringComparison.Ordinal));
        var lines = Tcpdump.Read(path, options);
        var file = DecodeFile(path);
        var text = DecodeText(ToaKindMap.Default, lines);
        string at = $"{capture}, tcpdump {mode}";

        // Every record of the file, as the text can show it.
        var expected = file.Records.Select(r => hex ? Key(r) : AsTextShowsIt(r)).Where(k => k is not null).ToList();
        Assert.True(expected.SequenceEqual(text.Records.Select(Key)),
            $"{at}: records differ\n file: {string.Join("\n       ", expected)}\n text: {string.Join("\n       ", text.Records.Select(Key))}\n" +
            $"tcpdump printed:\n{string.Join("\n", lines.Take(80))}");
        Assert.All(text.Records, r => Assert.Contains($"{r.SourcePort} > ", lines[(int)r.LineNumber!.Value - 1])); // the TCP line, never payload

        var fileProblems = file.Problems.Select(p => (p.Kind, p.PacketNumber)).ToList();
        var textProblems = text.Problems.Select(p => (p.Kind, p.PacketNumber)).ToList();
        if (hex) Assert.True(fileProblems.SequenceEqual(textProblems), $"{at}: problems differ: file {string.Join(", ", fileProblems)}; text {string.Join(", ", textProblems)}");
        else Assert.All(textProblems, p => Assert.Contains(p, fileProblems));

        Assert.Equal(file.Notices.Any(n => n.Kind == ToaNoticeKind.OptionsCut), text.Notices.Any(n => n.Kind == ToaNoticeKind.OptionsCut));
        if (hex) Assert.DoesNotContain(text.Notices, n => n.Kind == ToaNoticeKind.PortOnly);
        else Assert.Equal(text.Records.Any(r => r.VariantValue == ToaVariant.PortOnly), text.Notices.Any(n => n.Kind == ToaNoticeKind.PortOnly));
    }

    /// <summary>What decides a record: its packet, option and every decoded field.</summary>
    private static string Key(ToaRecord r) =>
        $"#{r.PacketNumber} kind {r.OptionKind} {r.Variant} {r.ClientAddress}:{r.ClientPort} virtual {r.VirtualAddress}:{r.VirtualPort} vpc {r.VpcId} " +
        $"{r.Source}:{r.SourcePort} > {r.Destination}:{r.DestinationPort}";

    /// <summary>A file record as tcpdump 4.5+ text without a hex dump gives it: kind 254 as exp-XXXX has only its port
    /// (and a virtual address from a kind-250 option beside it), unless XXXX is a registered experiment's id; TCP Fast
    /// Open's id (exp-tfo cookie) keeps the address.</summary>
    private static string? AsTextShowsIt(ToaRecord r)
    {
        if (r.OptionKind != 254 || r.ClientPort == 0xf989) return Key(r);
        if (r.ClientPort is { } port && TcpExperiment.TryFindFirst16(254, port, out _)) return null;
        return $"#{r.PacketNumber} kind 254 PortOnly :{r.ClientPort} virtual {r.VirtualAddress}:{r.VirtualPort} vpc  " +
               $"{r.Source}:{r.SourcePort} > {r.Destination}:{r.DestinationPort}";
    }
}
