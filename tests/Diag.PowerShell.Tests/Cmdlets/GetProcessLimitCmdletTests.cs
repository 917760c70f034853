using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Get-ProcessLimit run by PowerShell: binding, -Resource, -All, errors, the tables at 80 and 120 columns,
/// and objects that came back from another pwsh.</summary>
public sealed class GetProcessLimitCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _pwsh;
    // A worker that leaked descriptors up to 90% of its open-files limit.
    private readonly TargetProcess _worker = TargetProcess.Start("nofile-fill", "90", "1000");

    public GetProcessLimitCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _pwsh.SetVariable("worker", _worker.Pid);
    }

    public void Dispose() => _worker.Dispose();

    [Theory]
    [InlineData("Get-Process -Id $worker | Get-ProcessLimit")]
    [InlineData("Get-ProcessLimit -Id $worker")]
    [InlineData("[pscustomobject]@{ ProcessId = $worker } | Get-ProcessLimit")]
    public void AllSixteenLimitsInTheKernelsOrder(string script)
    {
        var rows = _pwsh.Invoke(script).AssertClean().Output;
        Assert.Equal(["CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE", "MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME"],
            rows.Select(r => r.Properties["Name"].Value.ToString()));
    }

    [Fact]
    public void TheWorkerIsNearItsOpenFilesLimit()
    {
        var row = Assert.Single(_pwsh.Invoke("Get-ProcessLimit -Id $worker -Resource OpenFiles | Where-Object Status -eq 'NearLimit'").AssertClean().Output);
        Assert.Equal(900UL, row.Properties["Used"].Value);
        Assert.Equal(1000UL, row.Properties["SoftLimit"].Value);
        Assert.Equal(100UL, row.Properties["Headroom"].Value);
        Assert.StartsWith($"prlimit --pid {_worker.Pid} --nofile=2048:", row.Properties["ChangeNow"].Value.ToString());
    }

    [Fact]
    public void AllPutsTheWorkerFirstAmongEveryProcess()
    {
        // Least headroom first: the worker at 90 % of its open files is ahead of every process less near its limits (another
        // test's process may be nearer, on a shared machine, and then comes before it).
        var rows = _pwsh.Invoke("Get-ProcessLimit -All | Select-Object -First 50").AssertClean().Output;
        var percents = rows.Select(r => (double)r.Properties["UsedPercent"].Value).ToList();
        Assert.Equal(percents.OrderByDescending(p => p), percents);
        var worker = Assert.Single(rows, r => (int)r.Properties["ProcessId"].Value == _worker.Pid && (string)r.Properties["Resource"].Value == "OpenFiles");
        Assert.All(rows.TakeWhile(r => r != worker), r => Assert.True((double)r.Properties["UsedPercent"].Value >= 90.0));
        var text = _pwsh.Format("Get-ProcessLimit -All | Select-Object -First 3", 80);
        Assert.Matches(@"PID PROCESS\s+LIMIT\s+USED\s+SOFT\s+% STATUS", text);
        Assert.Matches($@"{_worker.Pid} diag-test-target NOFILE\s+900\s+1000\s+90 NearLimit", text);
    }

    [Fact]
    public void AMissingProcessAndAZombieAreErrors()
    {
        using var zombie = TargetProcess.Start("zombie");
        _pwsh.SetVariable("zombie", zombie.Threads["zombie"]);
        var r = _pwsh.Invoke("Get-ProcessLimit -Id 2147483647, $zombie, $worker -Resource OpenFiles");
        Assert.Equal(["ProcessNotFound,Diag.Commands.GetProcessLimitCommand", "ProcessIsZombie,Diag.Commands.GetProcessLimitCommand"],
            r.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Equal(ErrorCategory.InvalidOperation, r.Errors[1].CategoryInfo.Category);
        Assert.Contains("Wait-ProcessExit", r.Errors[1].ErrorDetails.RecommendedAction);
        Assert.Single(r.Output);
    }

    [Fact]
    public void At80ColumnsLimitSoftHardUsedStatusAndSourceShow()
    {
        var text = _pwsh.Format("Get-ProcessLimit -Id $worker", 80);
        var lines = text.Split('\n').Where(l => l.Trim().Length > 0).ToList();
        Assert.Contains(lines, l => l.Contains($"Process: diag-test-target ({_worker.Pid})"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^LIMIT\s+SOFT\s+HARD\s+USED\s+% STATUS\s+SOURCE\s*$"));
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, $"wider than 80: '{l}'"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^NOFILE\s+1000\s+\d+\s+900\s+90 NearLimit SetByProcess"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^STACK\s+8 MiB\s+\S+\s+\d+ KiB"));
        var wide = _pwsh.Format("Get-ProcessLimit -Id $worker -Resource OpenFiles", 120);
        Assert.Contains("EMFILE", wide);
    }

    [Fact]
    public void ObjectsFromAnotherPwshKeepTheirView()
    {
        using var child = new OutOfProcessSession();
        var remote = child.Invoke($"Get-ProcessLimit -Id {_worker.Pid} -Resource OpenFiles").AssertClean().Output;
        Assert.Contains("Deserialized.Diag.Linux.Limits.ProcessLimit", Assert.Single(remote).TypeNames);
        _pwsh.SetVariable("remote", remote.ToArray());
        Assert.Matches(@"NOFILE\s+1000\s+\d+\s+900\s+90 NearLimit", _pwsh.Format("$remote", 120));
    }

    [Fact]
    public void JsonAndCsvCarryNamesNotNumbers()
    {
        var json = _pwsh.Invoke("Get-ProcessLimit -Id $worker -Resource OpenFiles | ConvertTo-Json").AssertClean().Single<string>();
        Assert.Contains("\"Status\": \"NearLimit\"", json);
        Assert.Contains("\"Source\": \"SetByProcess\"", json);
        var csv = _pwsh.Invoke("Get-ProcessLimit -Id $worker | ConvertTo-Csv").AssertClean().Output.Select(o => o.ToString()!).ToList();
        Assert.DoesNotContain(csv, l => l.StartsWith("#TYPE", StringComparison.Ordinal));
        Assert.Contains(csv, l => l.Contains("\"OpenFiles\"") && l.Contains("\"NearLimit\""));
    }
}
