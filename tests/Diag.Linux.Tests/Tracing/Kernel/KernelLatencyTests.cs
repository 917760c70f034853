using Diag.Linux.Tracing;
using static Diag.Linux.Tests.Tracing.Kernel.KernelTraceTestSupport;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing.Kernel;

/// <summary>Times measured in the kernel: consistent with their histogram, never longer than what ptrace
/// measures for the same calls (ptrace adds its stops), never shorter than a sleep's length.</summary>
public sealed class KernelLatencyTests
{
    [RootFact]
    public void EveryCallIsInTheHistogramAndTheTotalsAgreeWithIt()
    {
        var (kernel, _) = RunToEnd(TraceTestSupport.LaunchTarget("getppid", "2000", "5"), new TraceOptions());
        foreach (var row in kernel.Summary)
        {
            Assert.Equal(row.Calls, row.LatencyHistogram.Sum(b => b.Count));
            Assert.NotEqual(0, row.LatencyHistogram[0].Count);   // from the first non-empty bucket
            Assert.NotEqual(0, row.LatencyHistogram[^1].Count);  // to the last
            var lowest = row.LatencyHistogram.Sum(b => b.Count * b.LowerBoundNanoseconds) / 100;  // in TimeSpan ticks
            var highest = row.LatencyHistogram.Sum(b => b.Count * b.UpperBoundNanoseconds) / 100 + 1;
            Assert.InRange(row.TotalTime.Ticks, lowest, highest);
            Assert.InRange(row.MaxTime, row.AverageTime, row.TotalTime);
            Assert.InRange(row.MaxTime.Ticks, row.LatencyHistogram[^1].LowerBoundNanoseconds / 100, row.LatencyHistogram[^1].UpperBoundNanoseconds / 100 + 1);
        }
        Assert.InRange(kernel.Summary.Sum(r => r.TimePercent), 99.9, 100.1);
        Assert.True(kernel.Summary.Zip(kernel.Summary.Skip(1)).All(p => p.First.TotalTime >= p.Second.TotalTime), "sorted by time");
    }

    [RootFact]
    public void KernelTimesAreWithinPtracesWhichAddItsStops()
    {
        var target = TraceTestSupport.LaunchTarget("getppid", "3000", "0");
        var (kernel, _) = RunToEnd(target, new TraceOptions());
        var (ptrace, _, _) = TraceTestSupport.RunToEnd(target, new TraceOptions());
        var k = TraceTestSupport.Row(kernel, "getppid")!;
        var p = TraceTestSupport.Row(ptrace, "getppid")!;
        Assert.True(k.TotalTime > TimeSpan.Zero);
        // Each ptrace time holds the call plus two stops and resumptions of the tracee; the kernel's the call alone.
        Assert.True(k.TotalTime < p.TotalTime, $"kernel {k.TotalTime} < ptrace {p.TotalTime}");
        Assert.Equal(p.Calls, p.LatencyHistogram.Sum(b => b.Count)); // ptrace fills the histogram too
        Assert.True(p.LatencyHistogram[0].LowerBoundNanoseconds >= k.LatencyHistogram[0].LowerBoundNanoseconds);
    }

    [RootFact]
    public void ASleepTakesAtLeastItsLength()
    {
        using var target = SpawnedTarget.Start("calls");
        var (kernel, _) = RunWhile(
            () => KernelSyscallTracer.Start(new TraceTarget.Thread(target.Threads["caller"]), new TraceOptions()),
            () => target.Command("sleep 60"));
        var sleep = kernel.Summary.Single(r => r.Syscall is "nanosleep" or "clock_nanosleep");
        Assert.Equal(1, sleep.Calls);
        Assert.True(sleep.MaxTime >= TimeSpan.FromMilliseconds(60), sleep.MaxTime.ToString());
        var bucket = Assert.Single(sleep.LatencyHistogram);
        Assert.InRange(sleep.MaxTime.Ticks * 100, bucket.LowerBoundNanoseconds - 100, bucket.UpperBoundNanoseconds - 1); // TimeSpan: 100 ns ticks
    }

    [RootFact]
    public void CountingAloneHasNoTimes()
    {
        var (kernel, _) = RunToEnd(TraceTestSupport.LaunchTarget("getppid", "100", "0"), new TraceOptions(), measureTime: false);
        Assert.All(kernel.Summary, r =>
        {
            Assert.Equal(TimeSpan.Zero, r.TotalTime);
            Assert.Empty(r.LatencyHistogram);
        });
        Assert.Equal(100, Calls(kernel, "getppid"));
    }

    [RootFact]
    public void BucketsReadLikeAHistogram()
    {
        var buckets = LatencyBucket.FromCounts([0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 5, .. new long[29]]);
        Assert.Equal(3, buckets.Length);
        Assert.Equal("256ns-512ns: 3", buckets[0].ToString());
        Assert.Equal("512ns-1us: 0", buckets[1].ToString());
        Assert.Equal(1024, buckets[2].LowerBoundNanoseconds);
        Assert.Equal(2048, buckets[2].UpperBoundNanoseconds);
        Assert.Equal(0, LatencyBucket.IndexOf(1));
        Assert.Equal(10, LatencyBucket.IndexOf(2047));
        Assert.Equal(39, LatencyBucket.IndexOf(long.MaxValue));
        Assert.Equal(long.MaxValue, LatencyBucket.FromCounts([.. new long[39], 1])[0].UpperBoundNanoseconds);
    }
}
