using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Trace-Syscall run by PowerShell: every target kind, the pipeline stopping it, errors, formatting.</summary>
public sealed class TraceSyscallCmdletTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession _pwsh;

    public TraceSyscallCmdletTests(PowerShellSession pwsh) => _pwsh = pwsh;

    [Fact]
    public void ALaunchedCommandIsCountedExactly()
    {
        // The 0.1.0 crash (a TimeSpan overflow in the progress clock) failed exactly this, on every trace.
        var rows = _pwsh.Invoke("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 300, 2").AssertClean().Output;
        var getppid = Assert.Single(rows, r => (string)r.Properties["Syscall"].Value == "getppid");
        Assert.Equal(300L, getppid.Properties["Calls"].Value);
        Assert.Contains(rows, r => (long)r.Properties["Errors"].Value == 2 && (string)r.Properties["ErrorBreakdown"].Value == "ENOENT=2");
    }

    [Fact]
    public void AttachesByIdAndDetaches()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        _pwsh.SetVariable("spinner", target.Pid);
        var rows = _pwsh.Invoke("Trace-Syscall $spinner -Duration 0.5").AssertClean().Output;
        Assert.Equal("recvfrom", rows[0].Properties["Syscall"].Value);
        Assert.Equal(0, ProcessState.TracerPid(target.Pid));
    }

    [Fact]
    public void TracesTheHotThreadThatGetThreadCpuFound()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        _pwsh.SetVariable("spinner", target.Pid);
        var rows = _pwsh.Invoke("""
            Get-ThreadCpu -Id $spinner -Interval 0.3 | Where-Object ThreadName -eq 'NatThread' | Trace-Syscall -Duration 0.5
            """).AssertClean().Output;
        Assert.Equal("recvfrom", rows[0].Properties["Syscall"].Value);
        Assert.Equal(target.Pid, rows[0].Properties["ProcessId"].Value);
    }

    [Fact]
    public void SelectObjectFirstStopsAnEventTraceAndDetaches()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        _pwsh.SetVariable("spinner", target.Pid);
        var r = _pwsh.Invoke("Trace-Syscall -Id $spinner -Event | Select-Object -First 5").AssertClean();
        Assert.Equal(5, r.Output.Count);
        Assert.True(ProcessState.WaitUntilUntraced(target.Pid, TimeSpan.FromSeconds(5)));
        Assert.NotEqual('t', ProcessState.State(target.Pid));
    }

    [Fact]
    public void StoppingThePipelineDetachesPromptly()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        _pwsh.SetVariable("spinner", target.Pid);
        var r = _pwsh.InvokeAndStop("Trace-Syscall -Id $spinner", TimeSpan.FromSeconds(1));
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), $"took {r.Elapsed}");
        Assert.True(ProcessState.WaitUntilUntraced(target.Pid, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void AMissingProcessIsTargetNotFound()
    {
        var error = _pwsh.Invoke("Trace-Syscall -Id 2147483640 -Duration 0.2").SingleError();
        Assert.Equal("TargetNotFound,Diag.Commands.TraceSyscallCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void AChildOfThisSessionIsRefusedWithTheRemedy()
    {
        // A child of the host (this process), alive: its stdin is held open by TargetProcess.
        using var child = TargetProcess.Start("sleep");
        _pwsh.SetVariable("child", child.Pid);
        var error = _pwsh.Invoke("Trace-Syscall -Id $child -Duration 0.2").SingleError();
        Assert.Equal("Unsupported,Diag.Commands.TraceSyscallCommand", error.FullyQualifiedErrorId);
        Assert.Contains("-FilePath", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void TheSummaryReadsLikeStraceC()
    {
        var text = _pwsh.Format("Trace-Syscall -FilePath $TestTarget -ArgumentList getppid, 50, 0", 120);
        Assert.Contains("% time", text);
        Assert.Contains("usecs/call", text);
        Assert.Contains("getppid", text);
    }
}
