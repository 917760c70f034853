using Diag.Linux.Ptrace;
using Diag.Linux.Stacks;
using Diag.Linux.Tests.Tracing;

namespace Diag.Linux.Tests.Stacks;

/// <summary>What cannot be read says why and what to do, with the same reasons as Trace-Syscall.</summary>
public sealed class StackErrorTests
{
    [Fact]
    public void AMissingProcessIsTargetNotFound()
    {
        using var reader = new ThreadStackReader();
        var result = reader.Read(2147483640);
        Assert.Equal(TargetFailureReason.NotFound, result.Failure!.Reason);
        Assert.Empty(result.Threads);
    }

    [Fact]
    public void AThreadIdGivenAsProcessIdSaysWhichProcess()
    {
        using var target = StackTestSupport.StartParked();
        using var reader = new ThreadStackReader();
        var failure = reader.Read(target.Threads["nested"]).Failure!;
        Assert.Equal(TargetFailureReason.NotFound, failure.Reason);
        Assert.Contains($"-Id {target.Pid}", failure.Remedy, StringComparison.Ordinal);
        Assert.Equal(target.Pid, ThreadStackReader.ProcessOfThread(target.Threads["nested"]));
    }

    [Fact]
    public void OnlyTheRequestedThreadsAreReadAndMissingOnesAreListed()
    {
        using var target = StackTestSupport.StartParked();
        using var reader = new ThreadStackReader();
        var result = reader.Read(target.Pid, [target.Threads["receiver"], 2147483640]);
        Assert.Equal(target.Threads["receiver"], Assert.Single(result.Threads).ThreadId);
        var missing = Assert.Single(result.ThreadFailures);
        Assert.Equal((TargetFailureReason.NotFound, 2147483640), (missing.Reason, missing.ProcessId));
    }

    [Fact]
    public void AChildOfThisProcessIsRefusedWithoutTheTraceRemedy()
    {
        using var child = TargetProcess.Start("sleep");
        using var reader = new ThreadStackReader();
        var failure = reader.Read(child.Pid).Failure!;
        Assert.Equal(TargetFailureReason.Unsupported, failure.Reason);
        Assert.Contains("child of this process", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-FilePath", failure.Remedy, StringComparison.Ordinal);
        Assert.Equal(0, TraceTestSupport.TracerPid(child.Pid));
    }

    [Fact]
    public void ThisProcessIsRefused()
    {
        using var reader = new ThreadStackReader();
        Assert.Equal(TargetFailureReason.Unsupported, reader.Read(Environment.ProcessId).Failure!.Reason);
    }

    [Fact]
    public void AThreadTracedByStraceIsAlreadyTracedNamingStraceAndTheOthersAreRead()
    {
        using var target = StackTestSupport.StartParked();
        var traced = target.Threads["receiver"];
        using var strace = TraceTestSupport.AttachStrace(traced);
        try
        {
            using var reader = new ThreadStackReader();
            var result = reader.Read(target.Pid);
            Assert.Null(result.Failure);
            var refusal = Assert.Single(result.ThreadFailures);
            Assert.Equal(TargetFailureReason.AlreadyTraced, refusal.Reason);
            Assert.Contains($"already traced by {strace.Id} (strace)", refusal.Message, StringComparison.Ordinal);
            Assert.Equal(5, result.Threads.Count);
            Assert.DoesNotContain(result.Threads, t => t.ThreadId == traced);
        }
        finally
        {
            strace.Kill();
            strace.WaitForExit(5000);
        }
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
    }
}
