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
}
