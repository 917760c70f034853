using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Formatting;

/// <summary>The views' word wrap, called as the format views call it: lines within the width, broken only at spaces,
/// every word whole.</summary>
public sealed class WordWrapTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession _pwsh;

    public WordWrapTests(PowerShellSession pwsh) => _pwsh = pwsh;

    private string[] Wrap(string? text, int width)
    {
        _pwsh.SetVariable("wrapText", text);
        return _pwsh.Invoke($"[Diag.Commands.Formatting.WordWrap]::Lines($wrapText, {width})").AssertClean().Single<string>().Split('\n');
    }

    [Theory]
    [InlineData(31)]
    [InlineData(60)]
    public void BreaksOnlyAtSpacesWithinTheWidth(int width)
    {
        const string text = "No thread of the machine stalled on memory in the last 1.0 s; free memory is 19.9 GiB, above the low " +
                            "watermark (82.5 MiB); 2.7 GiB is clean page cache. Memory pressure over the window: some 0%, full 0%.";
        var lines = Wrap(text, width);
        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        Assert.Equal(text.Split(' '), lines.SelectMany(l => l.Split(' ')));
        Assert.True(lines.Length > 1);
    }

    [Fact]
    public void AWordLongerThanALineStandsWholeOnItsOwn() =>
        Assert.Equal(["see", "/usr/lib/x86_64-linux-gnu/libsomething.so.1.2.3", "for it"],
            Wrap("see /usr/lib/x86_64-linux-gnu/libsomething.so.1.2.3 for it", 20));

    [Fact]
    public void NothingGivesNothing() => Assert.Equal([""], Wrap(null, 30));
}
