using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>A process that matched -Name and exited before it was read is not an error: Get-Process would simply
/// not have listed it a moment later. Only a process the user named by ID is reported missing.</summary>
public sealed class ProcessesFoundByNameTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _pwsh;
    private readonly TargetProcess _forker = TargetProcess.Start("process-churn"); // children "diag-vanishing", 1 ms each

    public ProcessesFoundByNameTests(PowerShellSession pwsh) => _pwsh = pwsh;

    public void Dispose() => _forker.Dispose();

    [Theory]
    [InlineData("Test-CoreDumpConfig -Name diag-vanish*")]
    [InlineData("Get-ThreadStack -Name diag-vanish*")]
    [InlineData("Get-ThreadCpu -Name diag-vanish* -Interval 0.01")]
    [InlineData("Get-PipePeer -Name diag-vanish*")]
    [InlineData("Get-ProcessMemoryMap -Name diag-vanish* -Summary")]
    [InlineData("Get-ProcessLimit -Name diag-vanish*")]
    public void AProcessThatExitsAfterMatchingIsNoError(string command)
    {
        var before = _forker.Status()["created"];
        // For half a second, whatever each call costs: about 300 children come and go meanwhile.
        _pwsh.Invoke($"$until = [DateTime]::UtcNow.AddSeconds(0.5); do {{ {command} }} while ([DateTime]::UtcNow -lt $until)").AssertClean();
        Assert.True(_forker.Status()["created"] - before >= 50, "children came and went meanwhile");
    }
}
