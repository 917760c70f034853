using System.Diagnostics;
using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing;

/// <summary>Stop reaches the tracer thread promptly even when every tracee is blocked in a long syscall.</summary>
public sealed class StopTests
{
    [Fact]
    public void StopEndsTraceOfBlockedThreadsWithinASecond()
    {
        using var target = SpawnedTarget.Start("threads", "1", "0"); // one futex sleeper, main thread in read
        using var session = PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions { CollectEvents = true });
        var events = TraceTestSupport.Drain(session.Events);
        Thread.Sleep(300);
        var clock = Stopwatch.StartNew();
        session.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(100), "Stop() returns at once");
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(1)), "the trace ended within a second of Stop");
        session.Stop(); // idempotent

        // The calls they were blocked in never returned while traced: events marked not completed.
        Assert.True(events.Wait(TimeSpan.FromSeconds(5)));
        Assert.Contains(events.Result.OfType<SyscallEvent>(), e => !e.Completed && e.Syscall == "futex" && e.ThreadId == target.Threads["futex-0"]);
        Assert.DoesNotContain(TraceTestSupport.Row(session.Completion.Result, "futex")?.ErrorCounts ?? [], e => e.Error.StartsWith("ERESTART", StringComparison.Ordinal));
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
        Assert.Equal(1, target.Status()["threads"]); // it still answers: the futex thread is there
    }

    [Fact]
    public void StopKillsALaunchedCommand()
    {
        using var session = PtraceSyscallTracer.Start(new TraceTarget.Launch("sleep", ["30"], null), new TraceOptions());
        var pid = session.LaunchedProcessId!.Value;
        Assert.True(Directory.Exists($"/proc/{pid}"));
        Thread.Sleep(100);
        session.Stop();
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(5)));
        var result = session.Completion.Result;
        Assert.Equal(TraceEndReason.Stopped, result.EndReason);
        Assert.Equal(9, result.TerminatingSignal);
        Assert.Null(result.ExitCode);
        Assert.False(Directory.Exists($"/proc/{pid}"), "the command is gone and reaped (no zombie)");
    }

    [Fact]
    public void TargetExitEndsTheTrace()
    {
        var target = SpawnedTarget.Start("progress");
        using var session = PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions());
        Thread.Sleep(50);
        target.Dispose(); // closes its stdin: the target exits 0
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(TraceEndReason.TargetExited, session.Completion.Result.EndReason);
        Assert.Equal(0, session.Completion.Result.ExitCode);
    }
}
