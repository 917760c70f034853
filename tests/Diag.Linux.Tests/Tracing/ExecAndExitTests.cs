using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing;

/// <summary>Tracees that exec from another thread, and targets that die while traced.</summary>
public sealed class ExecAndExitTests
{
    [Fact]
    public void ExecFromANonLeaderThreadKeepsTracingTheNewProgram()
    {
        var (result, events, notices) = TraceTestSupport.RunToEnd(
            TraceTestSupport.LaunchTarget("thread-exec", "50"), new TraceOptions { CollectEvents = true });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(50, TraceTestSupport.Row(result, "getppid")!.Calls);
        Assert.Equal(2, TraceTestSupport.Row(result, "execve")!.Calls); // the launch, then the thread's
        Assert.Contains(notices, n => n.Message.Contains("called execve and became process", StringComparison.Ordinal));
        var launched = events[0].ProcessId;
        Assert.All(events.Where(e => e.Syscall == "getppid"), e => Assert.Equal(launched, e.ThreadId)); // the execing thread took the leader's TID
        Assert.Contains(events, e => e.Syscall == "execve" && e.ThreadId != launched && e.Completed && e.ReturnValue == 0);
    }

    [Fact]
    public void TargetKilledWhileTracedEndsTheTraceWithItsSignal()
    {
        using var target = SpawnedTarget.Start("progress");
        using var session = PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions());
        Thread.Sleep(50);
        Assert.Equal(0, Interop.Libc.Kill(target.Pid, 9));
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
        var result = session.Completion.Result;
        Assert.Equal(TraceEndReason.TargetExited, result.EndReason);
        Assert.Equal(9, result.TerminatingSignal);
        Assert.Null(result.ExitCode);
    }
}
