using Diag.Linux.Tracing;

namespace Diag.Linux.Tests.Tracing;

/// <summary>fork C N: C children each make N getppid calls; the parent makes none.</summary>
public sealed class FollowForkTests
{
    [Fact]
    public void FollowsEveryChild()
    {
        var (result, _, notices) = TraceTestSupport.RunToEnd(
            TraceTestSupport.LaunchTarget("fork", "3", "5"), new TraceOptions { FollowForks = true, ByThread = true });

        Assert.Equal(0, result.ExitCode);
        var getppid = result.Summary.Where(s => s.Syscall == "getppid").ToList();
        Assert.Equal(15, getppid.Sum(s => s.Calls));
        Assert.Equal(3, getppid.Count);
        var launched = result.Summary.Single(s => s.Syscall == "execve").ProcessId;
        Assert.All(getppid, s => Assert.NotEqual(launched, s.ProcessId));
        Assert.Equal(3, notices.Count(n => n.Message.Contains("followed", StringComparison.Ordinal)));
    }

    [Fact]
    public void WithoutFollowForksTheChildrenAreNotTraced()
    {
        var (result, _, _) = TraceTestSupport.RunToEnd(
            TraceTestSupport.LaunchTarget("fork", "3", "5"), new TraceOptions());

        Assert.Equal(0, result.ExitCode);
        Assert.Null(TraceTestSupport.Row(result, "getppid"));
        Assert.NotNull(TraceTestSupport.Row(result, "wait4"));
    }

    [Fact]
    public void MergedSummaryOfSeveralProcessesNamesNoProcess()
    {
        var (result, _, _) = TraceTestSupport.RunToEnd(
            TraceTestSupport.LaunchTarget("fork", "2", "3"), new TraceOptions { FollowForks = true });
        var getppid = TraceTestSupport.Row(result, "getppid")!;
        Assert.Equal(6, getppid.Calls);
        Assert.Null(getppid.ProcessId);
        Assert.Null(getppid.ThreadId);
    }
}
