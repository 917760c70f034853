using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>The module as pwsh loads it: from out/Diag, with its formats, and across a process boundary.</summary>
public sealed class ModuleSessionTests(PowerShellSession pwsh) : IClassFixture<PowerShellSession>
{
    [Fact]
    public void TheModuleIsLoadedFromTheBuiltFolder()
    {
        var path = pwsh.Invoke("(Get-Module Diag).Path").AssertClean().Single<string>();
        Assert.Equal(Path.Combine(TestEnvironment.RepoRoot, "out", "Diag", "Diag.dll"), path);
    }

    [Fact]
    public void SystemManagementAutomationComesFromPowerShellNotFromTheModule()
    {
        var location = pwsh.Invoke("[System.Management.Automation.PSObject].Assembly.Location").AssertClean().Single<string>();
        Assert.DoesNotContain(Path.Combine("out", "Diag"), location);
    }

    [Fact]
    public void AnOutOfProcessPwshImportsTheModuleAndSendsBackDeserializedObjects()
    {
        using var child = new OutOfProcessSession();
        var r = child.Invoke("Get-ThreadCpu -Id $PID -Interval 0.1 | Select-Object -First 1").AssertClean();
        Assert.Contains("Deserialized.Diag.Linux.Threads.ThreadCpuSample", Assert.Single(r.Output).TypeNames);
    }
}
