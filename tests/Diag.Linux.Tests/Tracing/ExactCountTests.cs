using Diag.Linux.Tracing;

namespace Diag.Linux.Tests.Tracing;

/// <summary>A launched target makes a known number of calls; the tracer must count exactly that.</summary>
public sealed class ExactCountTests
{
    private const string MissingPath = "/nonexistent/diag-test-target";

    [Fact]
    public void CountsEveryGetppidAndEveryFailedOpen()
    {
        var (result, events, _) = TraceTestSupport.RunToEnd(
            TraceTestSupport.LaunchTarget("getppid", "1000", "7"), new TraceOptions { CollectEvents = true });

        Assert.Equal(TraceEndReason.TargetExited, result.EndReason);
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.TerminatingSignal);

        var getppid = TraceTestSupport.Row(result, "getppid");
        Assert.NotNull(getppid);
        Assert.Equal(1000, getppid.Calls);
        Assert.Equal(0, getppid.Errors);
        Assert.Equal(1000, events.Count(e => e.Syscall == "getppid" && e.Completed));

        // glibc's open() is openat on x86_64; find whichever call carried the missing path.
        var opens = events.Where(e => e.ArgumentText.Contains(MissingPath, StringComparison.Ordinal)).ToList();
        Assert.Equal(7, opens.Count);
        Assert.All(opens, e => Assert.Equal("ENOENT", e.Error));
        var openName = Assert.Single(opens.Select(e => e.Syscall).Distinct());
        var open = TraceTestSupport.Row(result, openName)!;
        var failedOpens = events.Count(e => e.Syscall == openName && e.Error is not null);
        Assert.Equal(failedOpens, open.Errors);
        Assert.Contains(open.ErrorCounts, c => c.Error == "ENOENT" && c.Count == failedOpens);
        Assert.Contains($"ENOENT={failedOpens}", open.ErrorBreakdown, StringComparison.Ordinal);

        // The trace starts at the command's execve, as strace's does.
        Assert.Equal("execve", events[0].Syscall);
        Assert.All(result.Summary, s => Assert.Equal(getppid.ProcessId, s.ProcessId));
        Assert.InRange(result.Summary.Sum(s => s.TimePercent), 99.9, 100.1);
        Assert.True(result.Summary.Zip(result.Summary.Skip(1)).All(p => p.First.TotalTime >= p.Second.TotalTime), "sorted by time");
    }

    [Fact]
    public void FilterCountsOnlyTheChosenSyscalls()
    {
        var getppid = TraceTestSupport.Number("getppid");
        var openat = TraceTestSupport.Number("openat");
        var (result, events, _) = TraceTestSupport.RunToEnd(
            TraceTestSupport.LaunchTarget("getppid", "500", "3"),
            new TraceOptions { Syscalls = new HashSet<int> { getppid, openat }, CollectEvents = true });

        Assert.Equal(new[] { "getppid", "openat" }, result.Summary.Select(s => s.Syscall).Order());
        Assert.Equal(500, TraceTestSupport.Row(result, "getppid")!.Calls);
        Assert.True(TraceTestSupport.Row(result, "openat")!.Errors >= 3);
        Assert.All(events, e => Assert.Contains(e.Syscall, new[] { "getppid", "openat" }));
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void ByThreadNamesTheThread()
    {
        var (result, _, _) = TraceTestSupport.RunToEnd(
            TraceTestSupport.LaunchTarget("getppid", "100", "0"), new TraceOptions { ByThread = true });
        var row = TraceTestSupport.Row(result, "getppid")!;
        Assert.Equal(100, row.Calls);
        Assert.NotNull(row.ThreadId);
        Assert.Equal(row.ProcessId, row.ThreadId); // single-threaded: the main thread
        Assert.InRange(row.AverageTime, TimeSpan.Zero, row.MaxTime);
        Assert.True(row.TotalTime >= row.MaxTime);
    }
}
