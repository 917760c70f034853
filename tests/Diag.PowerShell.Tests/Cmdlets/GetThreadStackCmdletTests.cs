using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Get-ThreadStack run by PowerShell: binding, errors, the pstack-like view, serialization.</summary>
public sealed class GetThreadStackCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _pwsh;
    private readonly SpawnedTarget _target;

    public GetThreadStackCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _target = SpawnedTarget.Start("stacks");
        TargetProcess.WaitUntilReading(_target.Pid, _target.Pid);
        _pwsh.SetVariable("target", _target.Pid);
        _pwsh.SetVariable("nested", _target.Threads["nested"]);
        _pwsh.SetVariable("signalled", _target.Threads["signalled"]);
        _pwsh.SetVariable("receiver", _target.Threads["receiver"]);
    }

    public void Dispose() => _target.Dispose();

    [Theory]
    [InlineData("Get-ThreadStack -Id $target")]
    [InlineData("Get-Process -Id $target | Get-ThreadStack")]
    [InlineData("[pscustomobject]@{ ProcessId = $target } | Get-ThreadStack")]
    [InlineData("[pscustomobject]@{ Pid = $target } | Get-ThreadStack")]
    public void ReadsEveryThreadOfAProcess(string script)
    {
        var stacks = _pwsh.Invoke(script).AssertClean().Output;
        Assert.Equal(6, stacks.Count);
        Assert.Contains(stacks, s => (string)s.Properties["Signature"].Value ==
            "pause < stack_nested_5 < stack_nested_4 < stack_nested_3 < stack_nested_2 < stack_nested_1 < stack_nested_thread < start_thread < __clone3");
        Assert.Equal(0, ProcessState.TracerPid(_target.Pid));
    }

    [Theory]
    [InlineData("[pscustomobject]@{ ProcessId = $target; ThreadId = $receiver } | Get-ThreadStack")]
    [InlineData("Get-ThreadStack -ThreadId $receiver")]
    [InlineData("Get-ThreadStack -Id $target -ThreadId $receiver")]
    [InlineData("Get-Process -Id $target | Get-ThreadStack -ThreadId $receiver")]
    public void ReadsOnlyTheThreadsAskedFor(string script)
    {
        var stack = Assert.Single(_pwsh.Invoke(script).AssertClean().Output);
        Assert.Equal(_target.Threads["receiver"], stack.Properties["ThreadId"].Value);
        Assert.Equal("recvfrom", stack.Properties["CurrentSyscall"].Value);
    }

    [Fact]
    public void TheHotThreadFromGetThreadCpuIsTheOneRead()
    {
        var stack = Assert.Single(_pwsh.Invoke("Get-ThreadCpu -Id $target -Interval 0.3 | Select-Object -First 1 | Get-ThreadStack").AssertClean().Output);
        Assert.Equal("spinner", stack.Properties["ThreadName"].Value);
        Assert.StartsWith("stack_spin_loop < ", (string)stack.Properties["Signature"].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingProcessIsTargetNotFoundAndTheOthersAreStillRead()
    {
        var r = _pwsh.Invoke("Get-ThreadStack -Id 2147483640, $target");
        var error = r.SingleError();
        Assert.Equal("TargetNotFound,Diag.Commands.GetThreadStackCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("process 2147483640", error.TargetObject);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDetails?.RecommendedAction));
        Assert.Equal(6, r.Output.Count);
    }

    [Fact]
    public void AThreadOfAnotherProcessIsTargetNotFound()
    {
        var error = _pwsh.Invoke("Get-ThreadStack -Id $target -ThreadId 1").SingleError();
        Assert.Equal("TargetNotFound,Diag.Commands.GetThreadStackCommand", error.FullyQualifiedErrorId);
        Assert.Contains($"not a thread of process {_target.Pid}", error.Exception.Message);
    }

    [Fact]
    public void AChildOfThisSessionIsUnsupportedWithARemedyForStacks()
    {
        using var child = TargetProcess.Start("sleep");
        _pwsh.SetVariable("child", child.Pid);
        var error = _pwsh.Invoke("Get-ThreadStack -Id $child").SingleError();
        Assert.Equal("Unsupported,Diag.Commands.GetThreadStackCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.NotImplemented, error.CategoryInfo.Category);
        Assert.Contains("another shell", error.ErrorDetails.RecommendedAction);
        Assert.DoesNotContain("-FilePath", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void NoTargetAtAllAsksForTheNameAsGetProcessWould()
    {
        // Interactively PowerShell prompts for -Name; a host that cannot prompt gets the binder's error.
        var error = _pwsh.Invoke("Get-ThreadStack").SingleError();
        Assert.Equal("MissingMandatoryParameter,Diag.Commands.GetThreadStackCommand", error.FullyQualifiedErrorId);
        Assert.Contains("Name", error.Exception.Message);
    }

    [Fact]
    public void ANameThatMatchesNothingIsNoProcessFoundForGivenName()
    {
        var error = _pwsh.Invoke("Get-ThreadStack -Name no-such-process-xyz").SingleError();
        Assert.Equal("NoProcessFoundForGivenName,Diag.Commands.GetThreadStackCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void UniqueFoldsThreadsWithTheSameStack()
    {
        var groups = _pwsh.Invoke("Get-ThreadStack -Id $target -Unique").AssertClean().Output;
        Assert.Equal(6, groups.Count); // every thread of the stacks mode waits somewhere else
        Assert.All(groups, g => Assert.Contains("Diag.Linux.Stacks.ThreadStackGroup", g.TypeNames));
        Assert.Equal(6, groups.Sum(g => (int)g.Properties["Count"].Value));
    }

    [Fact]
    public void SelectObjectFirstLeavesEveryThreadRunning()
    {
        var r = _pwsh.Invoke("Get-ThreadStack -Id $target | Select-Object -First 1").AssertClean();
        Assert.Single(r.Output);
        Assert.True(ProcessState.WaitUntilUntraced(_target.Pid, TimeSpan.FromSeconds(5)));
        Assert.NotEqual('t', ProcessState.State(_target.Pid));
    }

    [Fact]
    public void TheDefaultViewReadsLikePstackAt80And120Columns()
    {
        foreach (var width in new[] { 80, 120 })
        {
            var text = _pwsh.Format("Get-ThreadStack -Id $target -ThreadId $nested, $signalled", width);
            Assert.Contains($"Thread {_target.Threads["nested"]} (nested) of process {_target.Pid}", text);
            Assert.Contains("Sleeping in pause", text);
            Assert.Matches(@"#0  0x[0-9a-f]{16} in pause \(\) from /\S*libc\.so\.6", text);
            Assert.Contains("in stack_nested_5 ()", text);
            Assert.Contains("#2  <signal handler called>", text);
            Assert.DoesNotContain("…", text);
        }
    }

    [Fact]
    public void FormatTableGivesOneLinePerThread()
    {
        var text = _pwsh.Format("Get-ThreadStack -Id $target | Format-Table", 120);
        Assert.Contains("recvfrom < stack_blocking_recvfrom < stack_recv", text);
        // At 80 columns a thread still says what it is blocked in and where in the program's own code: the waiter's
        // frame #0 is glibc's syscall(), its program frame stack_futex_wait.
        var narrow = _pwsh.Format("Get-ThreadStack -Id $target | Format-Table", 80).Split('\n');
        Assert.All(narrow, l => Assert.True(l.TrimEnd().Length <= 80, l));
        Assert.Contains(narrow, l => l.Contains(" waiter ") && l.Contains("futex") && l.Contains("stack_futex_wait"));
        Assert.Contains(narrow, l => l.Contains(" receiver ") && l.Contains("recvfrom") && l.Contains("stack_blocking_recvfr"));
        Assert.Contains(narrow, l => l.Contains(" spinner ") && l.Contains("running") && l.Contains("stack_spin_loop"));
    }

    [Fact]
    public void FramesSurviveASerializationRoundTripAsObjects()
    {
        var r = _pwsh.Invoke("""
            $stack = Get-ThreadStack -Id $target -ThreadId $nested
            $copy = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($stack))
            [pscustomobject]@{
                Function = $copy.Frames[1].Function
                Address = $copy.Frames[1].Address -eq $stack.Frames[1].Address
                Deserialized = $copy.PSObject.TypeNames -contains 'Deserialized.Diag.Linux.Stacks.ThreadStack'
                FrameType = $copy.Frames[1].PSObject.TypeNames[0]
            }
            """).AssertClean();
        var result = Assert.Single(r.Output);
        Assert.Equal("stack_nested_5", result.Properties["Function"].Value);
        Assert.True((bool)result.Properties["Address"].Value);
        Assert.True((bool)result.Properties["Deserialized"].Value);
        Assert.Equal("Deserialized.Diag.Linux.Stacks.StackFrame", result.Properties["FrameType"].Value);
    }

    [Fact]
    public void WhatAJobReturnsIsFormattedByTheSameView()
    {
        using var child = new OutOfProcessSession();
        var remote = child.Invoke($"Get-ThreadStack -Id {_target.Pid} -ThreadId {_target.Threads["signalled"]}").AssertClean().Output;
        var stack = Assert.Single(remote);
        Assert.Contains("Deserialized.Diag.Linux.Stacks.ThreadStack", stack.TypeNames);
        _pwsh.SetVariable("remote", remote);
        var text = _pwsh.Format("$remote", 80);
        Assert.Contains("Sleeping in pause", text);
        Assert.Contains("in stack_signal_handler ()", text);
        Assert.Contains("#2  <signal handler called>", text);
    }
}
