using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Get-ThreadCpu run by PowerShell: binding, errors, formatting, serialization.</summary>
public sealed class GetThreadCpuCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _pwsh;
    private readonly TargetProcess _target = TargetProcess.Start("threads", "4", "1");

    public GetThreadCpuCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _pwsh.SetVariable("target", _target.Pid);
        _pwsh.SetVariable("spinner", _target.Threads["spin-0"]);
    }

    public void Dispose() => _target.Dispose();

    [Fact]
    public void BindsProcessesFromGetProcessAndRanksTheSpinnerFirst()
    {
        var rows = _pwsh.Invoke("Get-Process -Id $target | Get-ThreadCpu -Interval 0.3").AssertClean().Output;
        Assert.Equal(5, rows.Count);
        Assert.Equal("spin-0", rows[0].Properties["ThreadName"].Value);
    }

    [Theory]
    [InlineData("[pscustomobject]@{ ProcessId = $target } | Get-ThreadCpu -Interval 0.2")]
    [InlineData("[pscustomobject]@{ Pid = $target } | Get-ThreadCpu -Interval 0.2")]
    [InlineData("Get-ThreadCpu -Id $target -Interval 0.2")]
    public void BindsTheProcessIdByEveryConventionalName(string script)
    {
        var rows = _pwsh.Invoke(script).AssertClean().Output;
        Assert.All(rows, r => Assert.Equal(_target.Pid, r.Properties["ProcessId"].Value));
        Assert.Equal(5, rows.Count);
    }

    [Fact]
    public void AMissingProcessIsOneErrorRecordWithARemedyAndTheOthersStillReport()
    {
        var r = _pwsh.Invoke("Get-ThreadCpu -Id 2147483647, $target -Interval 0.2");
        var error = r.SingleError();
        Assert.Equal("ProcessNotFound,Diag.Commands.GetThreadCpuCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
        Assert.Equal(5, r.Output.Count);
    }

    [Fact]
    public void TheDefaultViewIsATable()
    {
        var text = _pwsh.Format("Get-ThreadCpu -Id $target -Interval 0.2", 120);
        Assert.Contains("%CPU", text);
        Assert.Contains("spin-0", text);
    }

    [Fact]
    public void ObjectsSurviveARemotingSerializationRoundTrip()
    {
        var r = _pwsh.Invoke("""
            $sample = Get-ThreadCpu -Id $target -ThreadId $spinner -Interval 0.2
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($sample))
            [pscustomobject]@{ Same = ($copy.ThreadId -eq $sample.ThreadId -and $copy.CpuPercent -eq $sample.CpuPercent); Deserialized = $copy.PSObject.TypeNames -contains 'Deserialized.Diag.Linux.Threads.ThreadCpuSample' }
            """).AssertClean();
        var result = Assert.Single(r.Output);
        Assert.True((bool)result.Properties["Same"].Value);
        Assert.True((bool)result.Properties["Deserialized"].Value);
    }
}
