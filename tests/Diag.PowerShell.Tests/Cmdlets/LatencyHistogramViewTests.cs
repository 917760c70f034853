using System.Globalization;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>The latency histogram view: bars scaled to the window, bounds in human units, count and share, the same
/// drawing for live and deserialized summaries, and Trace-Syscall -Histogram choosing it.</summary>
public sealed class LatencyHistogramViewTests : IClassFixture<PowerShellSession>
{
    // Buckets as property bags, the shape Start-Job and Invoke-Command bring back: 3 calls in [512ns, 1µs), none in
    // [1µs, 2µs), 10000 in [2µs, 4µs), 5000 in [4µs, 8µs), one in the open-ended last bucket (2^39 ns and more).
    private const string Buckets = """
        $buckets = @(
            [pscustomobject]@{ LowerBoundNanoseconds = 512L; UpperBoundNanoseconds = 1024L; Count = 3L }
            [pscustomobject]@{ LowerBoundNanoseconds = 1024L; UpperBoundNanoseconds = 2048L; Count = 0L }
            [pscustomobject]@{ LowerBoundNanoseconds = 2048L; UpperBoundNanoseconds = 4096L; Count = 10000L }
            [pscustomobject]@{ LowerBoundNanoseconds = 4096L; UpperBoundNanoseconds = 8192L; Count = 5000L }
            [pscustomobject]@{ LowerBoundNanoseconds = 549755813888L; UpperBoundNanoseconds = [long]::MaxValue; Count = 1L }
        )
        """;

    private readonly PowerShellSession _pwsh;

    public LatencyHistogramViewTests(PowerShellSession pwsh) => _pwsh = pwsh;

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    [InlineData(200)]
    public void BarsFillTheWindowInProportionToTheFullestBucket(int width)
    {
        var lines = Draw(width);
        Assert.Equal("read (kernel): 15004 calls", lines[0]);
        Assert.Matches(@"^  latency\s+count\s+share  distribution$", lines[1]);
        var rows = lines.Skip(2).ToArray();
        Assert.Equal(5, rows.Length);
        Assert.All(lines, l => Assert.True(l.Length <= width - 1, $"{l.Length} columns at {width}: {l}"));
        // The fullest bucket's bar reaches the last column but one; every row's bar is as wide.
        var full = rows[2];
        Assert.Equal(width - 1, full.Length);
        Assert.All(rows, r => Assert.Equal(width - 1, r.Length));
        var barWidth = full.Length - full.IndexOf('|', StringComparison.Ordinal) - 2;
        Assert.Equal(barWidth, Bar(full));
        Assert.InRange(Bar(rows[3]), barWidth / 2 - 1, barWidth / 2 + 1);
        Assert.Equal(1, Bar(rows[0]));  // 3 of 15004: still one '@'
        Assert.Equal(0, Bar(rows[1]));
        Assert.Equal(1, Bar(rows[4]));
    }

    [Fact]
    public void BoundsCountsAndSharesReadAsBpftracePrintsThem()
    {
        var rows = Draw(80).Skip(2).ToArray();
        Assert.Matches(@"^  \[512ns, 1µs\)\s+3\s+<0\.1%  \|@ +\|$", rows[0]);
        Assert.Matches(@"^  \[1µs, 2µs\)\s+0 {10}\| +\|$", rows[1]);
        Assert.Matches(@"^  \[2µs, 4µs\)\s+10000\s+66\.6%  \|@+\|$", rows[2]);
        Assert.Matches(@"^  \[4µs, 8µs\)\s+5000\s+33\.3%  \|@+ +\|$", rows[3]);
        Assert.Matches(@"^  \[549s, \.\.\.\)\s+1\s+<0\.1%  \|@ +\|$", rows[4]);
        // The columns line up: every bar starts in the same column.
        Assert.Single(rows.Select(r => r.IndexOf('|', StringComparison.Ordinal)).Distinct());
    }

    [Fact]
    public void AWindowlessHostGetsEightyColumnsAndANarrowOneKeepsTenColumnsOfBar()
    {
        Assert.Equal(79, Draw(0)[2].Length);
        var narrow = Draw(30).Skip(2).ToArray();
        Assert.All(narrow, r => Assert.EndsWith("|", r));
        Assert.Equal(10, Bar(narrow[2]));
    }

    [Fact]
    public void AnEmptyHistogramSaysSo()
    {
        var text = Invoke("[Diag.Commands.Formatting.LatencyHistogramView]::Render('read', @(), 80)");
        Assert.Equal("read\n  (no latency recorded)", text);
    }

    [Theory]
    [InlineData(800L, "800ns")]
    [InlineData(1_900L, "1.9µs")]
    [InlineData(12_300L, "12.3µs")]
    [InlineData(123_400L, "123µs")]
    [InlineData(12_340_000L, "12.3ms")]
    [InlineData(4_412_337_000L, "4.41s")]
    public void DurationsReadInTheirUnit(long nanoseconds, string expected)
    {
        var text = Invoke($"[Diag.Commands.Formatting.LatencyHistogramView]::Duration([timespan]::FromTicks({nanoseconds / 100}))");
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData("181.7", "182ns")]
    [InlineData("99.4", "99.4ns")]
    [InlineData("1234.5", "1.23µs")]
    public void AveragesFinerThanATickKeepTheirDigits(string nanoseconds, string expected)
    {
        var text = Invoke($"[Diag.Commands.Formatting.LatencyHistogramView]::Nanoseconds([double]'{nanoseconds}')");
        Assert.Equal(expected, text);
    }

    [Fact]
    public void TraceSyscallHistogramDrawsEachSyscallAndTheTableStaysOneFormatTableAway()
    {
        _pwsh.Invoke("$h = Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 300, 2 -Histogram").AssertClean();
        var types = _pwsh.Invoke("$h | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique").AssertClean().Objects<string>();
        Assert.Equal(["Diag.Linux.Tracing.SyscallSummary#Histogram", "Diag.Linux.Tracing.SyscallTraceTotal#Histogram"], types);

        var text = _pwsh.Format("$h", 80);
        Assert.Matches(@"(?m)^getppid \((kernel|ptrace)\): 300 calls, total \S+, average \S+, max \S+$", text);
        Assert.Matches(@"(?m)^\w+ \((kernel|ptrace)\): \d+ calls?, 2 errors, ", text);
        Assert.Matches(@"(?m)^  \[\d+[nµm]?s, \d+[nµm]?s\)\s+\d+\s+[\d.<]+%  \|@+ *\|$", text);
        Assert.Matches(@"(?m)^total: \d+ calls, \d+ errors, \S+ in \d+ syscalls?;", text);
        Assert.All(text.Split('\n'), l => Assert.True(l.Length <= 80, l));
        // The objects are the summary's: the strace -c table is one Format-Table away.
        Assert.Contains("usecs/call", _pwsh.Format("$h | Format-Table", 120));
    }

    [Fact]
    public void ARemotedSummaryDrawsTheSameAsTheLiveOne()
    {
        // What Start-Job and Invoke-Command bring back: the summary serialized at its SerializationDepth (2).
        _pwsh.Invoke("""
            $live = Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 200, 0 -Syscall getppid | Where-Object Syscall
            $remoted = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($live, 2))
            """).AssertClean();
        Assert.Equal("Deserialized.Diag.Linux.Tracing.SyscallSummary", Invoke("$remoted.PSObject.TypeNames[0]"));
        var live = _pwsh.Format("$live | Format-Custom -View LatencyHistogram", 80);
        var remoted = _pwsh.Format("$remoted | Format-Custom -View LatencyHistogram", 80);
        Assert.Contains("getppid (kernel): 200 calls", live);
        Assert.Equal(live, remoted);
    }

    [Fact]
    public void HistogramAndEventTogetherAreRefused()
    {
        var error = _pwsh.Invoke("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 3, 0 -Histogram -Event").SingleError();
        Assert.Equal("HistogramWithEvent,Diag.Commands.TraceSyscallCommand", error.FullyQualifiedErrorId);
        Assert.Contains("Drop -Event", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void HistogramAndCountOnlyTogetherAreRefused()
    {
        // -CountOnly times nothing: there is no latency to draw.
        var error = _pwsh.Invoke("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 3, 0 -Histogram -CountOnly").SingleError();
        Assert.Equal("HistogramWithCountOnly,Diag.Commands.TraceSyscallCommand", error.FullyQualifiedErrorId);
        Assert.Contains("Drop -CountOnly", error.ErrorDetails.RecommendedAction);
    }

    private string[] Draw(int width) =>
        Invoke(Buckets + $"\n[Diag.Commands.Formatting.LatencyHistogramView]::Render('read (kernel): 15004 calls', $buckets, {width.ToString(CultureInfo.InvariantCulture)})")
            .Split('\n');

    private string Invoke(string script) => Assert.Single(_pwsh.Invoke(script).AssertClean().Objects<string>());

    /// <summary>The length of a row's bar (its '@'s).</summary>
    private static int Bar(string row) => row.Count(c => c == '@');
}
