using Diag.Linux.Tracing;

namespace Diag.Linux.Tests.Tracing;

/// <summary>Threads created and joined quickly while the whole process is traced.</summary>
public sealed class ThreadChurnTests
{
    [Fact]
    public void ThreadsCreatedDuringTheTraceAreTraced()
    {
        using var target = SpawnedTarget.Start("churn");
        var churner = target.Threads["churner"];
        var (result, _, notices) = TraceTestSupport.RunFor(
            new TraceTarget.Process(target.Pid), new TraceOptions { ByThread = true }, TimeSpan.FromSeconds(1));

        var threads = result.Summary.Select(s => s.ThreadId!.Value).ToHashSet();
        var ephemeral = threads.Where(t => t != target.Pid && t != churner).ToList();
        Assert.True(ephemeral.Count > 10, $"only {ephemeral.Count} new threads were traced");
        // Each short-lived thread makes its one getppid call.
        Assert.Contains(result.Summary, s => s.Syscall == "getppid" && ephemeral.Contains(s.ThreadId!.Value));
        Assert.Contains(notices, n => n.Message.Contains("created", StringComparison.Ordinal));
        Assert.Contains(notices, n => n.Message.Contains("exited", StringComparison.Ordinal));
        Assert.Contains(result.Summary, s => s.Syscall == "clone3" || s.Syscall == "clone");

        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
        var before = target.Status()["created"];
        Thread.Sleep(200);
        Assert.True(target.Status()["created"] > before, "the target kept creating threads");
    }

    /// <summary>Threads that exit while the trace ends are gone, not stuck: a short thread is often traced
    /// from its own first stop and reaped before its creator's clone event is read; that event must not
    /// bring it back as a tracee that never reports again (which the detach reported as "did not stop
    /// within 3 s").</summary>
    [Fact]
    public void StoppingATraceOfChurningThreadsWarnsOfNoStuckThread()
    {
        using var target = SpawnedTarget.Start("churn");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var (result, _, notices) = TraceTestSupport.RunFor(
                new TraceTarget.Process(target.Pid), new TraceOptions { ByThread = true }, TimeSpan.FromMilliseconds(700));
            Assert.True(result.Summary.Count > 0);
            Assert.DoesNotContain(notices, n => n.Kind == TraceNoticeKind.Warning);
            TraceTestSupport.AssertRunningAndUntraced(target.Pid);
        }
    }

    /// <summary>A launched command whose children are gone before their creator's fork event is read: the
    /// trace ends when the command does, instead of waiting for the ghost of a child for ever.</summary>
    [Fact]
    public void ATraceOfShortLivedChildrenEndsWithTheCommand()
    {
        var (result, events, notices) = TraceTestSupport.RunToEnd(
            TraceTestSupport.LaunchTarget("fork", "1000", "0"), new TraceOptions { FollowForks = true, CollectEvents = true });
        Assert.Equal(TraceEndReason.TargetExited, result.EndReason);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(1000, events.Count(e => e.Syscall == "exit_group" && e.ProcessId != result.ProcessId));
        Assert.DoesNotContain(notices, n => n.Kind == TraceNoticeKind.Warning);
    }
}
