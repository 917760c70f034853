using System.Diagnostics;
using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>
/// Watch-ProcessExec run by PowerShell: events, summary and tree of a program this test keeps running (a copy of the
/// test target under a name of its own, run as "NAME exit 3" again and again until the test ends), errors, views at
/// 80 and 120 columns, what a job brings back, and no BPF object left in this process however the watch ends.
/// </summary>
public sealed class WatchProcessExecCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _pwsh;
    private readonly string _directory;
    private readonly string _name;
    private readonly string _copy;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _ticker;

    public WatchProcessExecCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _directory = Directory.CreateTempSubdirectory($"diag-wpx-{Environment.ProcessId}-").FullName;
        _name = $"wpx{Environment.ProcessId}";
        _copy = Path.Combine(_directory, _name);
        File.Copy(TestEnvironment.TestTargetPath, _copy);
        _ticker = Task.Run(() => Tick(_stop.Token));
        _pwsh.SetVariable("name", _name);
        _pwsh.SetVariable("copy", _copy);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _ticker.Wait();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Runs the copy ("exit 3") until the test ends, so that any watch sees it sooner or later.</summary>
    private void Tick(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var p = Process.Start(new ProcessStartInfo(_copy, ["exit", "3"]) { UseShellExecute = false })!;
            p.WaitForExit();
            stop.WaitHandle.WaitOne(20);
        }
    }

    /// <summary>The BPF objects (programs, maps, links) this test process holds descriptors of.</summary>
    private const string BpfDescriptors =
        "@(Get-ChildItem /proc/self/fd -ErrorAction Ignore | Where-Object { $_.LinkTarget -like 'anon_inode:bpf*' }).Count";

    [RootFact]
    public void ExecAndExitOfANamedProgramAreObjectsWithCommandLineAndExitCode()
    {
        // Upper case: -Name ignores case as Get-Process does, also where the kernel matches it.
        var events = _pwsh.Invoke("Watch-ProcessExec -Name $name.ToUpperInvariant() -Count 4").AssertClean().Output;
        Assert.Equal(4, events.Count);
        Assert.All(events, e => Assert.Equal(_name, e.Properties["Name"].Value));
        var exec = events.First(e => e.Properties["Kind"].Value.ToString() == "Exec");
        Assert.Equal(_copy, exec.Properties["Path"].Value);
        Assert.Equal($"{_copy} exit 3", exec.Properties["CommandLine"].Value);
        Assert.Equal(new[] { _copy, "exit", "3" }, ((IEnumerable<string>)exec.Properties["Arguments"].Value).ToArray());
        Assert.Equal(Environment.ProcessId, exec.Properties["ParentId"].Value);
        var exit = events.First(e => e.Properties["Kind"].Value.ToString() == "Exit");
        Assert.Equal(3, exit.Properties["ExitCode"].Value);
        Assert.NotNull(exit.Properties["Lifetime"].Value);
    }

    [RootFact]
    public void JsonAndCsvReadAsTheTableDoes()
    {
        var r = _pwsh.Invoke("""
            $events = Watch-ProcessExec -Path $copy -Count 2
            [pscustomobject]@{
                Json = $events[0] | ConvertTo-Json -Compress
                Csv = ($events | ConvertTo-Csv) -join "`n"
            }
            """).AssertClean();
        var result = Assert.Single(r.Output);
        var json = result.Properties["Json"].Value.ToString()!;
        Assert.Matches("\"Kind\":\"(Exec|Exit)\"", json);
        Assert.Contains("\"Source\":\"Kernel\"", json);
        Assert.Matches("\"(Exec|Exit)\",", result.Properties["Csv"].Value.ToString()!);
    }

    [RootFact]
    public void ALiteralPathMatchesTheProgramAndNothingElse()
    {
        var events = _pwsh.Invoke("Watch-ProcessExec -Path $copy -Count 6").AssertClean().Output;
        Assert.Equal(6, events.Count);
        Assert.All(events, e => Assert.Equal(_copy, e.Properties["Path"].Value));
    }

    [RootFact]
    public void TheSummaryHasARowForTheParentAndTheProgramWithItsPath()
    {
        // Rows come at the end of each watch: watch again until one has seen the program (the machine is shared).
        PSObject? row = null;
        for (var attempt = 0; attempt < 30 && row is null; attempt++)
        {
            var rows = _pwsh.Invoke("Watch-ProcessExec -Summary -Name $name -Duration 1").AssertClean().Output;
            Assert.All(rows, r => Assert.Contains("Diag.Linux.ProcessEvents.ProcessExecSummary", r.TypeNames));
            row = rows.FirstOrDefault(r => (string)r.Properties["Name"].Value == _name && (long)r.Properties["Execs"].Value > 0 && (long)r.Properties["Exits"].Value > 0);
        }
        Assert.NotNull(row);
        Assert.Equal(_copy, row.Properties["Path"].Value);
        Assert.Equal(100.0, (double)row.Properties["ShortLivedPercent"].Value);
        Assert.True((double)row.Properties["ExecsPerSecond"].Value > 0);
    }

    [RootFact]
    public void TheTreeNamesTheProgramUnderThisProcess()
    {
        PSObject? node = null;
        for (var attempt = 0; attempt < 30 && node is null; attempt++)
        {
            var nodes = _pwsh.Invoke("Watch-ProcessExec -Tree -ParentId $PID -Duration 1").AssertClean().Output;
            node = nodes.FirstOrDefault(n => (string)n.Properties["Name"].Value == _name);
        }
        Assert.NotNull(node);
        Assert.Equal(_copy, node.Properties["Path"].Value);
        Assert.True((int)node.Properties["Processes"].Value >= 1);
    }

    [RootFact]
    public void SelectObjectFirstLeavesNoBpfObjectBehind()
    {
        var during = _pwsh.Invoke($"Watch-ProcessExec -Name $name | ForEach-Object {{ {BpfDescriptors} }} | Select-Object -First 1").AssertClean();
        Assert.True((int)Assert.Single(during.Output).BaseObject > 0); // while it watched, this process held them
        var after = _pwsh.Invoke(BpfDescriptors).AssertClean();
        Assert.Equal(0, (int)Assert.Single(after.Output).BaseObject);
    }

    [RootFact]
    public void StoppingTheWatchLeavesNoBpfObjectBehind()
    {
        var stopped = _pwsh.InvokeAndStop("Watch-ProcessExec -Name $name -Summary", TimeSpan.FromSeconds(1));
        Assert.Empty(stopped.Errors);
        Assert.Empty(stopped.Output); // stopped as Ctrl+C stops a pipeline: no summary
        Assert.Equal(0, (int)Assert.Single(_pwsh.Invoke(BpfDescriptors).AssertClean().Output).BaseObject);
    }

    [RootFact]
    public void AnUnknownUserIsNoSuchUser()
    {
        var r = _pwsh.Invoke("Watch-ProcessExec -UserName no-such-user-wpx -Duration 1");
        var error = r.SingleError();
        Assert.Empty(r.Output);
        Assert.Equal("NoSuchUser,Diag.Commands.WatchProcessExecCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
    }

    [RootFact]
    public void AMissingPathIsOneErrorAndTheWatchGoesOn()
    {
        var r = _pwsh.Invoke("Watch-ProcessExec -Path ./no-such-program-wpx, $copy -Count 2");
        var error = r.SingleError();
        Assert.Equal("PathNotFound,Diag.Commands.WatchProcessExecCommand", error.FullyQualifiedErrorId);
        Assert.EndsWith("/no-such-program-wpx", (string)error.TargetObject);
        Assert.Equal(2, r.Output.Count);
    }

    [Theory]
    [InlineData("-Duration 0", "InvalidDuration")]
    [InlineData("-Duration -1", "InvalidDuration")]
    [InlineData("-Summary -ShortLifetime 0", "InvalidShortLifetime")]
    public void ANonPositiveLengthOfTimeIsRefused(string arguments, string errorId)
    {
        var r = _pwsh.Invoke($"Watch-ProcessExec {arguments}");
        var error = r.SingleError();
        Assert.Equal(errorId + ",Diag.Commands.WatchProcessExecCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Empty(r.Output);
    }

    [RootFact]
    public void TheDefaultViewsReadLikeForkstatAndTopAt80And120Columns()
    {
        _pwsh.Invoke("$events = Watch-ProcessExec -Name $name -Count 4").AssertClean();
        foreach (var width in new[] { 80, 120 })
        {
            var text = _pwsh.Format("$events", width);
            Assert.Contains("EVENT", text);
            Assert.Contains("exec", text);
            Assert.Matches(@"exit +\d+ +\d+ wpx\d+ +exit 3 after [\d.]+ m?s", text);
            Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd().Length <= width, line));
        }
        string summary = "";
        for (var attempt = 0; attempt < 30 && !summary.Contains(_name, StringComparison.Ordinal); attempt++)
            summary = _pwsh.Format("Watch-ProcessExec -Summary -Name $name -Duration 1", 80);
        Assert.Contains("FORK/s  EXEC/s  EXIT/s SHORT PARENT       NAME         PATH", summary);
        Assert.Matches(@"100% \S.{11} wpx\d+", summary);
    }

    [RootFact]
    public void WhatAJobReturnsKeepsItsArgumentsAsAListAndItsViews()
    {
        using var job = new OutOfProcessSession();
        var remote = job.Invoke($"Watch-ProcessExec -Path '{_copy}' -Count 6").AssertClean().Output;
        Assert.Equal(6, remote.Count);
        Assert.All(remote, e => Assert.Contains("Deserialized.Diag.Linux.ProcessEvents.ProcessEvent", e.TypeNames));
        var exec = remote.First(e => e.Properties["Kind"].Value.ToString() == "Exec");
        // Nested: the argument list is still a list of strings, not its text.
        var value = exec.Properties["Arguments"].Value;
        var items = Assert.IsAssignableFrom<System.Collections.IList>((value as PSObject)?.BaseObject ?? value);
        Assert.Equal(new object[] { _copy, "exit", "3" }, items.Cast<object>().ToArray());
        _pwsh.SetVariable("remote", remote);
        var text = _pwsh.Format("$remote", 80);
        Assert.True(text.Contains("exit 3 after", StringComparison.Ordinal), text);
        var fleet = _pwsh.Format("$remote | Format-Table -View Fleet", 80);
        Assert.Contains("HOST", fleet);
        Assert.Contains(_name, fleet);
    }
}
