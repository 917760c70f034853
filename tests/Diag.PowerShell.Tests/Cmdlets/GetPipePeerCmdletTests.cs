using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Get-PipePeer run by PowerShell: binding, parameter sets, errors, formatting at 80 and 120 columns,
/// serialization, and objects that came back from another pwsh.</summary>
public sealed class GetPipePeerCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _pwsh;
    // The supervisord incident: the worker's fd 1 writes to a full pipe only its own fd 1066 reads.
    private readonly TargetProcess _worker = TargetProcess.Start("pipe-selfloop", "1066");

    public GetPipePeerCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _pwsh.SetVariable("worker", _worker.ReadyPid);
    }

    public void Dispose() => _worker.Dispose();

    [Theory]
    [InlineData("Get-Process -Id $worker | Get-PipePeer")]
    [InlineData("Get-PipePeer -Id $worker")]
    [InlineData("Get-PipePeer -Pid $worker")]
    [InlineData("[pscustomobject]@{ ProcessId = $worker } | Get-PipePeer")]
    [InlineData("[pscustomobject]@{ Id = $worker } | Get-PipePeer")]
    public void BindsTheProcessByEveryConventionalRoute(string script)
    {
        var rows = _pwsh.Invoke(script).AssertClean().Output;
        Assert.Equal([0, 1, 2, 1066, 1067], rows.Select(r => (int)r.Properties["FileDescriptor"].Value));
        Assert.All(rows, r => Assert.Equal(_worker.ReadyPid, r.Properties["ProcessId"].Value));
    }

    [Fact]
    public void TheSelfLoopIsFoundAndComposesWithWhereObject()
    {
        var row = Assert.Single(_pwsh.Invoke("Get-PipePeer -Id $worker -FileDescriptor 1 | Where-Object Diagnosis -eq 'SelfLoop'").AssertClean().Output);
        Assert.Equal($"{_worker.ReadyPid} diag-test-target 1066r", ((System.Collections.IEnumerable)row.Properties["Peers"].Value).Cast<object>().Single().ToString());
        Assert.Equal(row.Properties["Capacity"].Value, row.Properties["BufferedBytes"].Value);
        var stuck = _pwsh.Invoke("Get-PipePeer -Id $worker | Where-Object Diagnosis -ne 'Ok' | Group-Object Inode").AssertClean().Output;
        Assert.Equal(4, (int)Assert.Single(stuck).Properties["Count"].Value);
    }

    [Fact]
    public void InodeFindsEveryHolderFromAnEndpoint()
    {
        var rows = _pwsh.Invoke("Get-PipePeer -Id $worker -Fd 1 | ForEach-Object { Get-PipePeer -Inode $_.Inode }").AssertClean().Output;
        Assert.Equal([1, 2, 1066, 1067], rows.Select(r => (int)r.Properties["FileDescriptor"].Value));
    }

    [Fact]
    public void NameMatchesWithWildcards()
    {
        // Other test targets lack fd 1066: with a name pattern that is no error.
        var rows = _pwsh.Invoke("Get-PipePeer -Name 'diag-test-tar*' -FileDescriptor 1066 | Where-Object ProcessId -eq $worker").AssertClean().Output;
        Assert.Equal("SelfLoop", Assert.Single(rows).Properties["Diagnosis"].Value.ToString());
    }

    [Fact]
    public void AllFindsTheWorkerAmongEveryProcess()
    {
        var rows = _pwsh.Invoke("Get-PipePeer -All | Where-Object { $_.ProcessId -eq $worker -and $_.Diagnosis -eq 'SelfLoop' }").AssertClean().Output;
        Assert.Equal(4, rows.Count);
    }

    [Theory]
    [InlineData("Get-PipePeer -Id 1 -All")]
    [InlineData("Get-PipePeer -Inode 5 -FileDescriptor 1")]
    [InlineData("Get-PipePeer -Name x -Inode 5")]
    public void ContradictoryParametersAreRefusedAtBinding(string script)
    {
        var error = _pwsh.Invoke(script).SingleError();
        Assert.Equal("AmbiguousParameterSet,Diag.Commands.GetPipePeerCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void AMissingProcessIsOneErrorWithARemedyAndTheOthersStillReport()
    {
        var r = _pwsh.Invoke("Get-PipePeer -Id 2147483647, $worker -FileDescriptor 1");
        var error = r.SingleError();
        Assert.Equal("ProcessNotFound,Diag.Commands.GetPipePeerCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
        Assert.Single(r.Output);
    }

    [Fact]
    public void ADescriptorThatIsNotAPipeSaysWhatItIs()
    {
        using var orphans = TargetProcess.Start("pipe-orphans");
        _pwsh.SetVariable("orphans", orphans.Pid);
        var r = _pwsh.Invoke("Get-PipePeer -Id $orphans -FileDescriptor 20, 999");
        var error = r.SingleError();
        Assert.Equal("NotAPipe,Diag.Commands.GetPipePeerCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("fd 999", error.Exception.Message);
        Assert.Contains($"Get-PipePeer -Id {orphans.Pid}", error.ErrorDetails.RecommendedAction);
        Assert.Equal("NoReader", Assert.Single(r.Output).Properties["Diagnosis"].Value.ToString());
    }

    [Fact]
    public void AnInodeNobodyHoldsIsInodeNotFound()
    {
        var error = _pwsh.Invoke("Get-PipePeer -Inode 9223372036854775807").SingleError();
        Assert.Equal("InodeNotFound,Diag.Commands.GetPipePeerCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("lsof", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void ANameThatMatchesNothingIsReported()
    {
        var error = _pwsh.Invoke("Get-PipePeer -Name no-such-process-xyz").SingleError();
        Assert.Equal("NoProcessFoundForGivenName,Diag.Commands.GetPipePeerCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void At80ColumnsTheTableKeepsWhatTheCmdletIsFor()
    {
        var text = _pwsh.Format("Get-PipePeer -Id $worker", 80);
        var lines = text.Split('\n').Where(l => l.Trim().Length > 0).ToList();
        Assert.Matches(@"^\s+PID PROCESS\s+FD KIND\s+DIAGNOSIS\s+PEERS\s*$", lines[0]);
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"wider than 80: '{l}'"));
        Assert.Contains(lines, l => l.Contains(" 1w pipe  SelfLoop ") && l.Contains($"{_worker.ReadyPid} diag-test-target 1066r"));
        Assert.DoesNotContain("…", text);
    }

    [Fact]
    public void At120ColumnsTheFillAndTheBlockedThreadFollowUncut()
    {
        var text = _pwsh.Format("Get-PipePeer -Id $worker -FileDescriptor 1", 120);
        Assert.Matches(@"PID PROCESS\s+FD KIND\s+DIAGNOSIS\s+PEERS\s+BUFFERED BLOCKED", text);
        Assert.Matches($@"1w pipe\s+SelfLoop\s+{_worker.ReadyPid} diag-test-target 1066r\s+(\d+)/\1 {_worker.ReadyPid} write\(1\)", text);
        Assert.DoesNotContain("…", text);
    }

    [Fact]
    public void FormatListShowsTheMessage()
    {
        var text = _pwsh.Format("Get-PipePeer -Id $worker -FileDescriptor 1 | Format-List", 120);
        Assert.Contains("Diagnosis      : SelfLoop", text);
        Assert.Contains("a parent probably leaked it", text);
        Assert.Contains("pipe_write", text); // the wchan: pipe_write, or anon_pipe_write since Linux 6.x
    }

    [Fact]
    public void ObjectsSurviveARemotingSerializationRoundTripAndKeepTheirView()
    {
        var r = _pwsh.Invoke("""
            $row = Get-PipePeer -Id $worker -FileDescriptor 1
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($row))
            [pscustomobject]@{
                Deserialized = $copy.PSObject.TypeNames -contains 'Deserialized.Diag.Linux.Pipes.PipeEndpoint'
                Diagnosis = "$($copy.Diagnosis)"
                Peer = "$($copy.Peers[0])"
                Blocked = "$($copy.BlockedThreads[0])"
                Table = $copy | Out-String -Width 120
            }
            """).AssertClean();
        var result = Assert.Single(r.Output);
        Assert.True((bool)result.Properties["Deserialized"].Value);
        Assert.Equal("SelfLoop", result.Properties["Diagnosis"].Value);
        Assert.Equal($"{_worker.ReadyPid} diag-test-target 1066r", result.Properties["Peer"].Value);
        Assert.Equal($"{_worker.ReadyPid} write(1)", result.Properties["Blocked"].Value);
        Assert.Matches($@"1w pipe\s+SelfLoop\s+{_worker.ReadyPid} diag-test-target 1066r", result.Properties["Table"].Value.ToString());
    }

    [Fact]
    public void WhatAnotherPwshSendsBackIsFormattedByTheSameView()
    {
        using var child = new OutOfProcessSession();
        var remote = child.Invoke($"Get-PipePeer -Id {_worker.ReadyPid} -FileDescriptor 1, 1066").AssertClean().Output;
        Assert.All(remote, o => Assert.Contains("Deserialized.Diag.Linux.Pipes.PipeEndpoint", o.TypeNames));
        _pwsh.SetVariable("remote", remote.ToArray());
        var text = _pwsh.Format("$remote", 120);
        Assert.Matches($@"1w pipe\s+SelfLoop\s+{_worker.ReadyPid} diag-test-target 1066r\s+(\d+)/\1 {_worker.ReadyPid} write\(1\)", text);
        Assert.Matches($@"1066r pipe\s+SelfLoop\s+{_worker.ReadyPid} diag-test-target 1w \+2", text);
    }

    [Fact]
    public void ConvertToJsonGivesReadableValues()
    {
        var json = _pwsh.Invoke("Get-PipePeer -Id $worker -FileDescriptor 1 | ConvertTo-Json -Depth 3").AssertClean().Single<string>();
        Assert.Contains("\"ProcessId\": " + _worker.ReadyPid, json);
        Assert.Contains("\"FileDescriptor\": 1066", json);
        Assert.Contains("\"Message\": \"fd 1 writes to a pipe whose only reader", json);
    }
}
