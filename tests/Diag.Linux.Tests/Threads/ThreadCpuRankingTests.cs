using Diag.Linux.Interop;
using Diag.Linux.Threads;
using ThreadState = Diag.Linux.Threads.ThreadStates;

namespace Diag.Linux.Tests.Threads;

/// <summary>The seed-000 view: which thread of a process eats the CPU, and what the others are blocked in.</summary>
public sealed class ThreadCpuRankingTests : IDisposable
{
    private readonly TargetProcess _target = TargetProcess.Start("threads", "8", "2");

    public void Dispose() => _target.Dispose();

    [Fact]
    public void SpinnersRankFirstWellAboveTheSleepers()
    {
        var batch = ThreadSampling.SampleProcess(_target.Pid);

        var firstTwo = batch.Samples.Take(2).Select(s => s.ThreadName).OrderBy(n => n).ToArray();
        Assert.Equal(new[] { "spin-0", "spin-1" }, firstTwo);
        double maxSleeper = batch.Samples.Skip(2).Max(s => s.CpuPercent);
        foreach (var spinner in batch.Samples.Take(2))
        {
            // Relations only: how much CPU a spinner gets depends on what else runs on the machine.
            Assert.True(spinner.CpuPercent > 0, $"{spinner.ThreadName} at {spinner.CpuPercent:F1} %");
            Assert.True(spinner.CpuPercent > maxSleeper, $"{spinner.ThreadName} {spinner.CpuPercent:F1} % vs sleepers' max {maxSleeper:F1} %");
            Assert.True(spinner.CpuPercent < 150, $"one thread cannot use {spinner.CpuPercent:F1} % of one CPU");
            Assert.True(spinner.UserPercent >= spinner.SystemPercent, $"a user-space spinner: user {spinner.UserPercent} vs system {spinner.SystemPercent}");
            Assert.True(spinner.CpuTime > TimeSpan.Zero);
        }
        Assert.Equal(batch.Samples.OrderByDescending(s => s.CpuPercent).Select(s => s.ThreadId), batch.Samples.Select(s => s.ThreadId));
    }

    [Fact]
    public void SleepersShowTheSyscallTheyBlockIn()
    {
        var batch = ThreadSampling.SampleProcess(_target.Pid);

        var expected = new Dictionary<string, string>
        {
            ["futex-2"] = "futex", ["nanosleep-3"] = "clock_nanosleep", ["pause-4"] = "pause",
            ["read-5"] = "read", ["recvfrom-6"] = "recvfrom", ["futex-7"] = "futex",
        };
        foreach (var (name, syscall) in expected)
        {
            var sample = batch.Thread(_target.Threads[name]);
            Assert.Equal(name, sample.ThreadName);
            Assert.Equal(syscall, sample.CurrentSyscall);
            Assert.NotNull(sample.CurrentSyscallNumber);
            Assert.Equal(ThreadState.Sleeping, sample.State);
            Assert.NotNull(sample.WaitChannel);
            Assert.Equal(0, sample.CpuPercent); // it never woke up during the interval
        }
        Assert.False(batch.SomeFieldsUnreadable);
    }

    [Fact]
    public void SpinnersReadAsRunning()
    {
        // A spinner preempted at the instant its syscall file is read shows "user": on 2 cores with the
        // sampler running too that happens, so allow a few samples for both to be caught on a CPU.
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { _target.Pid }));
        var seenRunning = new HashSet<string>();
        foreach (var batch in sampler.Sample(TimeSpan.FromSeconds(0.2), 10))
        {
            foreach (var s in batch.Samples.Where(s => s.ThreadName.StartsWith("spin-", StringComparison.Ordinal)))
            {
                Assert.Contains(s.CurrentSyscall, new[] { "running", "user" });
                if (s.CurrentSyscall == "running")
                {
                    Assert.Null(s.CurrentSyscallNumber);
                    Assert.Equal(ThreadState.Running, s.State);
                    seenRunning.Add(s.ThreadName);
                }
            }
            if (seenRunning.Count == 2) break;
        }
        Assert.Equal(new[] { "spin-0", "spin-1" }, seenRunning.OrderBy(n => n));
    }

    [Fact]
    public void ProcessFieldsAndPreciseSourceAreFilledIn()
    {
        var batch = ThreadSampling.SampleProcess(_target.Pid);

        Assert.Equal(9, batch.Samples.Count); // 8 named threads and the main thread
        Assert.Empty(batch.MissingProcessIds);
        int cpus = Environment.ProcessorCount;
        foreach (var s in batch.Samples)
        {
            Assert.Equal(_target.Pid, s.ProcessId);
            Assert.Equal("diag-test-target", s.ProcessName); // comm is cut to "diag-test-targe"; the untruncated name wins
            // Root (this machine and CI) reads through taskstats; the /proc path is covered by TaskstatsPathTests.
            Assert.Equal(Libc.GetEffectiveUserId() == 0 ? "Taskstats" : "Schedstat", s.CpuTimeSource);
            Assert.InRange(s.Processor, 0, cpus - 1);
            Assert.Equal(0, s.Nice);
            Assert.Equal(20, s.Priority);
            Assert.InRange(s.Interval.TotalSeconds, 0.4, 2.0);
            Assert.InRange(s.StartTime, DateTime.Now.AddMinutes(-2), DateTime.Now.AddSeconds(2));
            Assert.True(s.SampleTime >= s.StartTime);
            Assert.Equal(s.ProcessId, s.NamespaceProcessId); // not in a child PID namespace
            Assert.Equal(s.ThreadId, s.NamespaceThreadId);
            Assert.True(s.VoluntaryContextSwitches >= 0 && s.InvoluntaryContextSwitches >= 0 && s.MinorFaults >= 0 && s.MajorFaults >= 0);
        }
        Assert.Equal("diag-test-targe", batch.Thread(_target.Pid).ThreadName);
    }

    [Fact]
    public void ThreadIdFilterKeepsOnlyThoseThreads()
    {
        int spin = _target.Threads["spin-1"], read = _target.Threads["read-5"];
        var selection = ThreadSelection.ForProcessIds(new[] { _target.Pid }).WithThreadIds(new[] { read, spin });
        var batch = ThreadSampling.SampleOnce(selection, 0.3);

        Assert.Equal(new[] { spin, read }, batch.Samples.Select(x => x.ThreadId));
    }
}
