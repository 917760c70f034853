using Diag.Linux.Tracing;

namespace Diag.Linux.Tests.Tracing;

/// <summary>Seed 000: one thread spins on recvfrom on an empty non-blocking socket.</summary>
public sealed class RecvfromSpinnerTests
{
    [Fact]
    public void OneThreadTraceShowsRecvfromFailingWithEagain()
    {
        using var target = SpawnedTarget.Start("recvfrom-spin");
        var nat = target.Threads["NatThread"];

        var (result, _, notices) = TraceTestSupport.RunFor(
            new TraceTarget.Thread(nat), new TraceOptions { ByThread = true }, TimeSpan.FromSeconds(1));

        Assert.Equal(TraceEndReason.Stopped, result.EndReason);
        Assert.Null(result.ExitCode);
        var top = result.Summary[0];
        Assert.Equal("recvfrom", top.Syscall);
        Assert.Equal(nat, top.ThreadId);
        Assert.Equal(target.Pid, top.ProcessId);
        Assert.True(top.Calls > 100, $"only {top.Calls} calls in a second");
        var eagain = top.ErrorCounts.Single(e => e.Error == "EAGAIN").Count;
        Assert.True(eagain >= 0.95 * top.Calls, $"{eagain} EAGAIN of {top.Calls}");
        Assert.All(result.Summary, s => Assert.Equal(nat, s.ThreadId)); // the other threads were not traced
        Assert.Contains(notices, n => n.Message.Contains("detached", StringComparison.Ordinal));

        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
        var before = target.Status()["recvfrom"];
        Thread.Sleep(200);
        Assert.True(target.Status()["recvfrom"] > before, "the spinner kept running after the trace");
    }
}
