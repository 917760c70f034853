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
        // Run the command again and again until at least 50 children have come and gone meanwhile, however long that
        // takes on a loaded machine: each run may meet processes that match and exit while they are read.
        var before = _forker.Status()["created"];
        do _pwsh.Invoke(command).AssertClean();
        while (_forker.Status()["created"] - before < 50);
    }
}
