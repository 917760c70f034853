using Diag.Linux.Toa;
using static Diag.Linux.Tests.Toa.ToaTestSupport;

namespace Diag.Linux.Tests.Toa;

/// <summary>
/// tcpdump's text read as tcpdump meant it: the payload that -A and -v print is not packets and not options,
/// options cut by the snapshot length are warned about as from a capture file, hex that is only too long is not
/// called "other characters", and a huge line makes a small error.
/// </summary>
public sealed class TextFidelityTests : IClassFixture<ToaCaptureSuite>
{
    private readonly ToaCaptureSuite _suite;

    public TextFidelityTests(ToaCaptureSuite suite) => _suite = suite;

    [Theory]
    [InlineData("-nn", "-A")]
    [InlineData("-nn", "-v", "-A")]
    [InlineData("-nn", "-#", "-A")]
    [InlineData("-nn", "-t", "-A")]
    [InlineData("-nn", "-v")]
    public void PayloadLinesAreNeitherPacketsNorOptions(params string[] options)
    {
        var lines = Tcpdump.Read(_suite.PathOf("payload-like-packets"), options);
        Assert.Contains(lines, l => l.Contains("exp-beef,")); // the payload is there to be misread
        Assert.Contains(lines, l => l.TrimStart().StartsWith("12:00:00.000000 IP 1.1.1.1.5 > 2.2.2.2.80", StringComparison.Ordinal));
        var d = DecodeText(ToaKindMap.Default, lines);
        Assert.Empty(d.Problems);
        // Packets 1, 3, 5 and 6 carry TOAs; 2 and 4 carry the payload (packet 6, not 30-odd).
        Assert.Equal([1L, 3L, 5L, 6L], d.Records.Select(r => r.PacketNumber!.Value));
        Assert.DoesNotContain(d.Records, r => r.ClientAddress?.ToString() is "10.10.1.9" or "10.10.1.3" || r.ClientPort == 0xbeef);
    }

    [Theory]
    [InlineData("-nn")]
    [InlineData("-nn", "-v")]
    [InlineData("-nn", "-x")]
    public void OptionsCutByTheSnapshotLengthAreWarnedAboutOnceAndNotMisread(params string[] options)
    {
        var lines = Tcpdump.Read(_suite.PathOf("cut-options"), options);
        Assert.Contains(lines, l => l.Contains("unknown-200 0x3039 [|tcp]"));
        var d = DecodeText(ToaKindMap.Default, lines);
        Assert.Empty(d.Problems); // "0x3039" is what was captured of the option, not an option of 2 bytes
        var notice = Assert.Single(d.Notices);
        Assert.Equal(ToaNoticeKind.OptionsCut, notice.Kind);
        Assert.Contains("[|tcp]", notice.Message);
        Assert.Contains("-s 0", notice.Message);
        Assert.Equal(4L, Assert.Single(d.Records).PacketNumber);

        var file = DecodeFile(_suite.PathOf("cut-options"));
        Assert.Contains("3 packet(s)", Assert.Single(file.Notices).Message);
    }

    [Theory]
    [InlineData("0x30390a0a010", ToaProblemKind.InvalidHex, "an odd number of digits, 11")]
    [InlineData("0x30390a0a01zz", ToaProblemKind.InvalidHex, "other characters")]
    public void InvalidHexSaysWhatIsWrongWithIt(string hex, ToaProblemKind kind, string says)
    {
        var problem = Assert.Single(DecodeText($"IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 {hex}], length 0").Problems);
        Assert.Equal(kind, problem.Kind);
        Assert.Contains(says, problem.Message);
    }

    [Fact]
    public void HexThatIsOnlyTooLongIsAWrongLengthNotOtherCharacters()
    {
        var hex = string.Concat(Enumerable.Repeat("30390a0a0101", 50)); // 300 bytes of good hex
        var problem = Assert.Single(DecodeText($"IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x{hex}], length 0").Problems);
        Assert.Equal(ToaProblemKind.WrongLength, problem.Kind);
        Assert.Contains("option kind 200 is 302 bytes long", problem.Message);
        Assert.DoesNotContain("other characters", problem.Message);
    }

    [Fact]
    public void AHugeBadLineMakesASmallProblemThatQuotesItsStartAndSaysItsLength()
    {
        var huge = "IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x" + new string('z', 10 << 20) + "], length 0";
        var problem = Assert.Single(DecodeText("IP 1.1.1.1.4 > 2.2.2.2.80: Flags [S], options [unknown-200 0x30390a0a0101]", huge).Problems);
        Assert.Equal(ToaProblemKind.InvalidHex, problem.Kind);
        Assert.Equal(2, problem.LineNumber);
        Assert.Equal(huge.Length, problem.LineLength);
        Assert.True(problem.Line!.Length <= TextExcerpt.LineLimit, $"Line is {problem.Line.Length} characters");
        Assert.StartsWith("IP 1.1.1.1.5 > 2.2.2.2.80", problem.Line);
        Assert.Contains($"({huge.Length} characters)", problem.Line);
        Assert.True(problem.Message.Length < 500, $"Message is {problem.Message.Length} characters");
        Assert.StartsWith("Line 2 (packet 2): ", problem.Message);
        Assert.Contains("characters)", problem.Message);
    }

    [Fact]
    public void AHugeHexArgumentMakesASmallProblem()
    {
        var problem = Assert.IsType<ToaProblem>(ToaOptionInput.FromHex(new string('g', 10 << 20), ToaKindMap.Default));
        Assert.True(problem.Message.Length < 300, $"Message is {problem.Message.Length} characters");
        Assert.Contains($"({10 << 20} characters)", problem.Message);
    }
}
