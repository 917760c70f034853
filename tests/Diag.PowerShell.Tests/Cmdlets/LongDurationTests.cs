using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>A length of time a user can mean is accepted, however long: a month-long -Continuous, -Duration 5000000,
/// [timespan]::MaxValue. .NET's waits and timers refuse anything beyond 24.8 days with ArgumentOutOfRangeException,
/// which reached the user raw. Each command below runs until it is stopped, as Ctrl+C would, without an error.</summary>
public sealed class LongDurationTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _pwsh;
    private readonly SpawnedTarget _target = SpawnedTarget.Start("sleep");

    public LongDurationTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _pwsh.SetVariable("target", _target.Pid);
    }

    public void Dispose() => _target.Dispose();

    [Theory]
    [InlineData("Get-ThreadCpu -Id $target -Interval 30.00:00:00")]
    [InlineData("Get-ThreadCpu -Id $target -Interval ([timespan]::MaxValue) -Continuous")]
    [InlineData("Get-ThreadCpu -Id $target -Interval 99999999")]
    [InlineData("Trace-Syscall -Id $target -Duration 5000000 -Backend Ptrace")]
    [InlineData("Trace-Syscall -Id $target -Duration ([timespan]::MaxValue) -Backend Kernel")]
    public void RunsUntilStoppedWithoutAnError(string command)
    {
        var result = _pwsh.InvokeAndStop(command, TimeSpan.FromSeconds(1));
        Assert.Empty(result.Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}"));
        Assert.True(result.Terminating is null or System.Management.Automation.PipelineStoppedException, result.Terminating?.ToString());
        Assert.True(ProcessState.WaitUntilUntraced(_target.Pid, TimeSpan.FromSeconds(30)));
    }
}
