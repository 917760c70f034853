using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Get-ProcessMemoryMap run by PowerShell: binding, -Summary, growth, errors, the tables at 80 and 120
/// columns, and objects that came back from another pwsh.</summary>
public sealed class GetProcessMemoryMapCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _pwsh;
    // The Spring Boot incident in small: eight threads, each with its own glibc arena.
    private readonly TargetProcess _arenas = TargetProcess.Start("arenas-hold", "8", "2048");

    public GetProcessMemoryMapCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _pwsh.SetVariable("arenas", _arenas.Pid);
    }

    public void Dispose() => _arenas.Dispose();

    [Theory]
    [InlineData("Get-Process -Id $arenas | Get-ProcessMemoryMap")]
    [InlineData("Get-ProcessMemoryMap -Id $arenas")]
    [InlineData("Get-ProcessMemoryMap -Pid $arenas")]
    [InlineData("[pscustomobject]@{ ProcessId = $arenas } | Get-ProcessMemoryMap")]
    public void BindsTheProcessByEveryConventionalRoute(string script)
    {
        var rows = _pwsh.Invoke(script + " | Where-Object Kind -eq 'GlibcArena'").AssertClean().Output;
        Assert.Equal(16, rows.Count);
        Assert.All(rows, r => Assert.Equal(_arenas.Pid, r.Properties["ProcessId"].Value));
    }

    [Fact]
    public void SummaryWritesKindRowsThenTheSummaryWithTheArenas()
    {
        var output = _pwsh.Invoke("Get-ProcessMemoryMap -Id $arenas -Summary").AssertClean().Output;
        var summary = output[^1];
        Assert.Equal(8, summary.Properties["ArenaCount"].Value);
        Assert.Equal("Glibc", summary.Properties["Allocator"].Value.ToString());
        Assert.Contains(output, o => o.Properties["Kind"]?.Value?.ToString() == "GlibcArena" && (int)o.Properties["Count"].Value == 16);
        var kinds = output.Take(output.Count - 1).Select(o => (long)o.Properties["RssBytes"].Value).ToList();
        Assert.Equal(kinds.OrderByDescending(k => k), kinds); // most resident first
    }

    [Fact]
    public void KindFiltersTheMappings()
    {
        var kinds = _pwsh.Invoke("Get-ProcessMemoryMap -Id $arenas -Kind ThreadStack, Guard | ForEach-Object { \"$($_.Kind)\" } | Sort-Object -Unique").AssertClean().Output;
        Assert.Equal(["Guard", "ThreadStack"], kinds.Select(k => k.ToString()));
    }

    [Fact]
    public void IntervalShowsTheMappingThatGrewFirst()
    {
        using var grower = TargetProcess.Start("grow-anon", "1", "5");
        _pwsh.SetVariable("grower", grower.Pid);
        _pwsh.SetVariable("start", (ulong)grower.Status()["start"]);
        var rows = _pwsh.Invoke("Get-ProcessMemoryMap -Id $grower -Interval 1").AssertClean().Output;
        var first = rows[0];
        Assert.Equal((ulong)grower.Status()["start"], first.Properties["StartAddress"].Value);
        Assert.Equal("Grew", first.Properties["Change"].Value.ToString());
        Assert.True((long)first.Properties["RssGrowthBytes"].Value > 0);
        Assert.Contains("Diag.Linux.Memory.MemoryRegion#Growth", first.TypeNames);
        var text = _pwsh.Format("Get-ProcessMemoryMap -Id $grower -Interval 0.5", 80);
        Assert.Matches(@"\+RSS\s+RSS KIND\s+CHANGE\s+ADDRESS\s+WHAT", text);
        Assert.Matches(@"\+\d+(\.\d)? [KM]iB\s+\d+(\.\d)? MiB Anonymous\s+Grew", text);
    }

    [Fact]
    public void IntervalMustBePositive()
    {
        var error = _pwsh.Invoke("Get-ProcessMemoryMap -Id $arenas -Interval 0").SingleError();
        Assert.Equal("InvalidInterval,Diag.Commands.GetProcessMemoryMapCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void ContinuousStopsOnCtrlC()
    {
        var r = _pwsh.InvokeAndStop("Get-ProcessMemoryMap -Id $arenas -Continuous -Interval 0.2", TimeSpan.FromSeconds(1));
        Assert.Empty(r.Errors);
    }

    [Fact]
    public void AZombieAndAMissingProcessAreErrorsAndTheOthersStillReport()
    {
        using var zombie = TargetProcess.Start("zombie");
        _pwsh.SetVariable("zombie", zombie.Threads["zombie"]);
        var r = _pwsh.Invoke("Get-ProcessMemoryMap -Id $zombie, 2147483647, $arenas -Summary");
        Assert.Equal(["ProcessNotFound,Diag.Commands.GetProcessMemoryMapCommand", "NoUserMemory,Diag.Commands.GetProcessMemoryMapCommand"],
            r.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Contains("zombie", r.Errors[1].Exception.Message);
        Assert.Equal(ErrorCategory.InvalidOperation, r.Errors[1].CategoryInfo.Category);
        Assert.NotEmpty(r.Output);
    }

    [Fact]
    public void At80ColumnsTheTableKeepsKindSizeAndRss()
    {
        var text = _pwsh.Format("Get-ProcessMemoryMap -Id $arenas", 80);
        var lines = text.Split('\n').Where(l => l.Trim().Length > 0).ToList();
        Assert.Contains(lines, l => l.Contains($"Process: diag-test-target ({_arenas.Pid})"));
        Assert.Contains(lines, l => l.TrimEnd() == "ADDRESS      KIND             SIZE      RSS PERM WHAT");
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"wider than 80: '{l}'"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^[0-9a-f]{12} GlibcArena\s+\d+(\.\d)? MiB\s+\d+(\.\d)? MiB rw-p arena \d heap: accessible part"));
        foreach (var (name, tid) in _arenas.Threads)
            Assert.Contains(lines, l => l.Contains($"ThreadStack") && l.Contains($"stack of thread {tid} ({name})"));
    }

    [Fact]
    public void TheSummaryReadsAsAListAfterTheKindTable()
    {
        var text = _pwsh.Format("Get-ProcessMemoryMap -Id $arenas -Summary", 120);
        Assert.Matches(@"KIND\s+COUNT\s+SIZE\s+RSS\s+%RSS\s+PSS\s+DIRTY\s+SWAP", text);
        Assert.Matches(@"GlibcArena\s+16\s+512 MiB", text);
        Assert.Matches(@"Arenas\s+: 8 of at most \d+ \(MALLOC_ARENA_MAX not set: 8 per CPU\)", text);
        Assert.Matches(@"ArenaMemory\s+: \d+(\.\d)? MiB resident of 512 MiB reserved", text);
        Assert.DoesNotContain("…", text);
    }

    [Fact]
    public void ObjectsFromAnotherPwshKeepTheirViews()
    {
        using var child = new OutOfProcessSession();
        var remote = child.Invoke($"Get-ProcessMemoryMap -Id {_arenas.Pid} -Summary").AssertClean().Output;
        Assert.Contains("Deserialized.Diag.Linux.Memory.ProcessMemorySummary", remote[^1].TypeNames);
        _pwsh.SetVariable("remote", remote.ToArray());
        var text = _pwsh.Format("$remote", 120);
        Assert.Matches(@"GlibcArena\s+16\s+512 MiB", text);
        Assert.Matches(@"Arenas\s+: 8 of at most", text);
        // Results of several hosts: Format-Table -View Fleet puts the host first, within 80 columns.
        var fleet = _pwsh.Format("$remote | Where-Object Kind -eq 'GlibcArena' | Format-Table -View Fleet", 80);
        Assert.Matches(@"HOST\s+PID PROCESS\s+KIND\s+RSS\s+\+RSS\s+COUNT", fleet);
        Assert.All(fleet.Split('\n'), l => Assert.True(l.TrimEnd().Length <= 80, $"wider than 80: '{l}'"));
    }

    [Fact]
    public void CsvAndJsonReadAsTheTableDoes()
    {
        var json = _pwsh.Invoke("Get-ProcessMemoryMap -Id $arenas -Kind GlibcArena | Select-Object -First 1 | ConvertTo-Json").AssertClean().Single<string>();
        Assert.Contains("\"Kind\": \"GlibcArena\"", json);
        Assert.Contains("\"Permissions\": \"rw-p\"", json);
        var csv = _pwsh.Invoke("Get-ProcessMemoryMap -Id $arenas -Kind GlibcArena | ConvertTo-Csv").AssertClean().Output.Select(o => o.ToString()!).ToList();
        Assert.DoesNotContain(csv, l => l.StartsWith("#TYPE", StringComparison.Ordinal));
        Assert.Contains("\"GlibcArena\"", csv[1]);
    }
}
