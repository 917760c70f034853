using Diag.Linux.Threads;

namespace Diag.Linux.Tests.Threads;

/// <summary>Threads and processes come and go between any two reads of /proc: normal flow, never an error.</summary>
public sealed class VanishingTests
{
    [Fact]
    public void ChurningThreadsGiveNoErrorAndNoAbsurdValues()
    {
        using var target = TargetProcess.Start("churn");
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { target.Pid }));

        int batches = 0;
        foreach (var batch in sampler.Sample(TimeSpan.FromSeconds(0.2), 6))
        {
            batches++;
            Assert.Empty(batch.MissingProcessIds);
            Assert.Contains(batch.Samples, s => s.ThreadName == "churner");
            foreach (var s in batch.Samples)
            {
                Assert.InRange(s.CpuPercent, 0, 150);
                Assert.InRange(s.UserPercent, 0, 150);
                Assert.InRange(s.SystemPercent, 0, 150);
                Assert.InRange(s.CpuTime, TimeSpan.Zero, TimeSpan.FromMinutes(5));
                Assert.True(s.VoluntaryContextSwitches >= 0 && s.InvoluntaryContextSwitches >= 0);
                Assert.True(s.MinorFaults >= 0 && s.MajorFaults >= 0);
                Assert.InRange(s.Interval.TotalSeconds, 0.0, 1.0);
            }
        }
        Assert.Equal(6, batches);
        Assert.True(target.Status()["created"] > 100, "the target really churned threads");
    }

    [Fact]
    public void ProcessThatExitsDuringTheIntervalIsLeftOut()
    {
        using var staying = TargetProcess.Start("threads", "2", "0");
        var leaving = TargetProcess.Start("sleep");
        int leavingPid = leaving.Pid;
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { leavingPid, staying.Pid }));

        using var enumerator = sampler.Sample(TimeSpan.FromSeconds(1), 1).GetEnumerator();
        var exit = Task.Run(async () => { await Task.Delay(200); leaving.Dispose(); }); // exits and is reaped mid-interval
        Assert.True(enumerator.MoveNext());
        exit.Wait();
        var batch = enumerator.Current;

        Assert.Empty(batch.MissingProcessIds);
        Assert.DoesNotContain(batch.Samples, s => s.ProcessId == leavingPid);
        Assert.Equal(3, batch.Samples.Count(s => s.ProcessId == staying.Pid));
    }

    [Fact]
    public void MissingPidIsReportedOnceAndTheOthersAreSampled()
    {
        using var target = TargetProcess.Start("threads", "1", "0");
        int missing = ProcessState.UnusedPid();

        var batch = ThreadSampling.SampleOnce(ThreadSelection.ForProcessIds(new[] { target.Pid, missing, target.Pid, missing }), 0.2);

        Assert.Equal(new[] { missing }, batch.MissingProcessIds);
        Assert.Equal(2, batch.Samples.Count(s => s.ProcessId == target.Pid));
    }

    [Fact]
    public void OnlyMissingPidsComeBackAtOnce()
    {
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { int.MaxValue, 0, -5 }));
        var started = DateTime.UtcNow;

        var batches = sampler.Sample(TimeSpan.FromSeconds(30), null).ToList();

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "no interval is waited for when nothing can be sampled");
        var batch = Assert.Single(batches);
        Assert.Empty(batch.Samples);
        Assert.Equal(new[] { int.MaxValue, 0, -5 }, batch.MissingProcessIds);
    }

    [Fact]
    public void CancellationEndsTheWaitAtOnce()
    {
        using var target = TargetProcess.Start("sleep");
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { target.Pid }));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var started = DateTime.UtcNow;

        var batches = sampler.Sample(TimeSpan.FromMinutes(5), null, cancel.Token).ToList();

        Assert.Empty(batches);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }
}
