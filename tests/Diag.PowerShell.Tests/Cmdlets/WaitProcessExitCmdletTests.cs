using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Wait-ProcessExit run by PowerShell: waiting for processes this session did not start, -Any, -Timeout,
/// Ctrl+C, errors and the view.</summary>
public sealed class WaitProcessExitCmdletTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession _pwsh;

    public WaitProcessExitCmdletTests(PowerShellSession pwsh) => _pwsh = pwsh;

    /// <summary>Starts the wait in the session, then sends each action's command to its target once the wait holds
    /// its pidfd (the progress record says it is waiting).</summary>
    private PowerShellResult WaitWhile(string script, params (TargetProcess Target, string Command)[] actions)
    {
        var run = Task.Run(() => _pwsh.Invoke(script));
        foreach (var (target, command) in actions)
        {
            // The cmdlet's pidfds are open before its first progress record: wait for this process's pidfd instead of a time.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!HoldsPidfd(target.ReadyPid) && DateTime.UtcNow < deadline) Thread.Sleep(10);
            target.Send(command);
        }
        return run.Result;
    }

    private static bool HoldsPidfd(int pid) =>
        Directory.EnumerateFiles($"/proc/{Environment.ProcessId}/fdinfo").Any(f =>
        {
            try { return File.ReadAllText(f).Contains($"Pid:\t{pid}\n"); }
            catch (IOException) { return false; }
        });

    [Fact]
    public void TheExitCodeAndTheSignalOfProcessesThatAreNotChildren()
    {
        using var a = TargetProcess.Start("spawn", "exits");
        using var b = TargetProcess.Start("spawn", "exits");
        _pwsh.SetVariable("a", a.ReadyPid);
        _pwsh.SetVariable("b", b.ReadyPid);
        var r = WaitWhile("Wait-ProcessExit -Id $a, $b -Verbose", (a, "exit 4"), (b, "raise 6"));
        r.AssertClean();
        var exits = r.Output.ToDictionary(o => (int)o.Properties["ProcessId"].Value);
        Assert.Equal(4, exits[a.ReadyPid].Properties["ExitCode"].Value);
        Assert.Equal("Exited", exits[a.ReadyPid].Properties["Reason"].Value);
        Assert.Equal("SIGABRT", exits[b.ReadyPid].Properties["Signal"].Value);
        Assert.Equal(134, exits[b.ReadyPid].Properties["ShellExitCode"].Value);
        Assert.Contains(r.Verbose, v => v.Contains("PIDFD_GET_INFO"));
    }

    [Fact]
    public void AnyReturnsTheFirstAndTheTableSaysHowItEnded()
    {
        using var a = TargetProcess.Start("spawn", "exits");
        using var b = TargetProcess.Start("spawn", "exits");
        _pwsh.SetVariable("a", a.ReadyPid);
        _pwsh.SetVariable("b", b.ReadyPid);
        var r = WaitWhile("Wait-ProcessExit -Id $a, $b -Any | Out-String -Width 80", (b, "raise 9"));
        var text = string.Join("\n", r.AssertClean().Output.Select(o => o.ToString()));
        Assert.Matches(@"PID PROCESS\s+EXIT\s+EXITED\s+LIFETIME", text);
        Assert.Matches($@"{b.ReadyPid} \S+\s+SIGKILL\s+\d\d:\d\d:\d\d\.\d\d\d\s+\d\d:\d\d:\d\d\.\d\d\d", text);
        Assert.DoesNotContain($"{a.ReadyPid} ", text);
        Assert.True(Directory.Exists($"/proc/{a.ReadyPid}"));
    }

    [Fact]
    public void TheTimeoutIsOneErrorPerProcessStillRunning()
    {
        using var a = TargetProcess.Start("spawn", "exits");
        _pwsh.SetVariable("a", a.ReadyPid);
        var error = _pwsh.Invoke("Wait-ProcessExit -Id $a -Timeout 0.2").SingleError();
        Assert.Equal("ProcessNotTerminated,Diag.Commands.WaitProcessExitCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.OperationTimeout, error.CategoryInfo.Category);
        Assert.Contains($"Process {a.ReadyPid}", error.Exception.Message);
        Assert.Equal(a.ReadyPid, error.TargetObject);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void ATimeoutMustBePositive(string timeout)
    {
        var error = _pwsh.Invoke($"Wait-ProcessExit -Id {Environment.ProcessId} -Timeout {timeout}").SingleError();
        Assert.Equal("InvalidTimeout,Diag.Commands.WaitProcessExitCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void CtrlCEndsAWaitWithoutATimeout()
    {
        using var a = TargetProcess.Start("spawn", "exits");
        _pwsh.SetVariable("a", a.ReadyPid);
        var r = _pwsh.InvokeAndStop("Wait-ProcessExit -Id $a", TimeSpan.FromMilliseconds(500));
        Assert.Empty(r.Output);
        Assert.Empty(r.Errors);
        Assert.True(Directory.Exists($"/proc/{a.ReadyPid}"));
        Assert.False(HoldsPidfd(a.ReadyPid), "the pidfd outlived the stopped cmdlet");
    }

    [Fact]
    public void AProcessGoneBeforeTheWaitIsAnErrorThatSaysSo()
    {
        var error = _pwsh.Invoke("Wait-ProcessExit -Id 2147483647").SingleError();
        Assert.Equal("ProcessNotFound,Diag.Commands.WaitProcessExitCommand", error.FullyQualifiedErrorId);
        Assert.Contains("exited before Wait-ProcessExit started", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void AProcessGoneSinceGetProcessSawItIsAnErrorThatSaysSo()
    {
        using var a = TargetProcess.Start("spawn", "exits");
        _pwsh.SetVariable("a", a.ReadyPid);
        _pwsh.Invoke("$p = Get-Process -Id $a").AssertClean();
        a.Send("exit 0");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.Exists($"/proc/{a.ReadyPid}") && DateTime.UtcNow < deadline) Thread.Sleep(5);
        var error = _pwsh.Invoke("$p | Wait-ProcessExit").SingleError();
        Assert.Equal("ProcessNotFound,Diag.Commands.WaitProcessExitCommand", error.FullyQualifiedErrorId);
        Assert.Contains("exited before Wait-ProcessExit started", error.ErrorDetails.RecommendedAction);
    }
}
