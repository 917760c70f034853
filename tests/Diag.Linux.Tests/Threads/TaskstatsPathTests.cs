using Diag.Linux.Interop;
using Diag.Linux.Netlink;
using Diag.Linux.Threads;
using ThreadState = Diag.Linux.Threads.ThreadStates;

namespace Diag.Linux.Tests.Threads;

/// <summary>
/// The two ways the sampler reads thread counters: taskstats over netlink (root) and /proc files (everyone
/// else). Both must give the same answers on the same target; the /proc path is forced here so that a
/// root machine keeps testing it.
/// </summary>
public sealed class TaskstatsPathTests : IDisposable
{
    private static readonly Dictionary<string, string> SleeperSyscalls = new()
    {
        ["futex-2"] = "futex", ["nanosleep-3"] = "clock_nanosleep", ["pause-4"] = "pause",
        ["read-5"] = "read", ["recvfrom-6"] = "recvfrom", ["futex-7"] = "futex",
    };

    private readonly TargetProcess _target = TargetProcess.Start("threads", "8", "2");

    public void Dispose() => _target.Dispose();

    [Fact]
    public void AsRootTheTaskstatsPathIsUsed()
    {
        Assert.True(Libc.GetEffectiveUserId() == 0, "these tests run as root (CAP_NET_ADMIN), as CI does");
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { _target.Pid }));
        Assert.True(sampler.UsesTaskstats);
        var batch = sampler.Sample(TimeSpan.FromSeconds(0.3), 1).Single();
        Assert.Equal(9, batch.Samples.Count);
        Assert.All(batch.Samples, s => Assert.Equal("Taskstats", s.CpuTimeSource));
    }

    [Fact]
    public void ForcedProcPathIsUsedAndSaysSchedstat()
    {
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds(new[] { _target.Pid }), "/", useTaskstats: false);
        Assert.False(sampler.UsesTaskstats);
        var batch = sampler.Sample(TimeSpan.FromSeconds(0.5), 1).Single();
        CheckThreadsTarget(batch);
        Assert.All(batch.Samples, s => Assert.Equal("Schedstat", s.CpuTimeSource));
    }

    [Fact]
    public void BothPathsGiveTheSameAnswers()
    {
        var selection = ThreadSelection.ForProcessIds(new[] { _target.Pid });
        ThreadCpuBatch viaTaskstats, viaProc;
        using (var sampler = new ThreadCpuSampler(selection, "/", useTaskstats: true))
            viaTaskstats = sampler.Sample(TimeSpan.FromSeconds(0.5), 1).Single();
        using (var sampler = new ThreadCpuSampler(selection, "/", useTaskstats: false))
            viaProc = sampler.Sample(TimeSpan.FromSeconds(0.5), 1).Single();

        CheckThreadsTarget(viaTaskstats);
        CheckThreadsTarget(viaProc);
        Assert.Equal(viaProc.Samples.Select(s => s.ThreadId).Order(), viaTaskstats.Samples.Select(s => s.ThreadId).Order());
        foreach (var t in viaTaskstats.Samples)
        {
            var p = viaProc.Thread(t.ThreadId);
            Assert.Equal((p.ProcessId, p.ProcessName, p.ThreadName, p.Priority, p.Nice), (t.ProcessId, t.ProcessName, t.ThreadName, t.Priority, t.Nice));
            Assert.Equal((p.NamespaceProcessId, p.NamespaceThreadId, p.StartTime), (t.NamespaceProcessId, t.NamespaceThreadId, t.StartTime));
            if (t.ThreadName.StartsWith("spin-", StringComparison.Ordinal))
                Assert.True(p.CpuTime > t.CpuTime, $"{t.ThreadName}: run time grows from the first sample to the second");
            else
                Assert.Equal(p.CpuTime, t.CpuTime); // a blocked thread's run time stands still: both read the same sum_exec_runtime
        }
        foreach (var name in SleeperSyscalls.Keys)
        {
            var t = viaTaskstats.Thread(_target.Threads[name]);
            var p = viaProc.Thread(_target.Threads[name]);
            Assert.Equal((p.CurrentSyscall, p.CurrentSyscallNumber, p.WaitChannel), (t.CurrentSyscall, t.CurrentSyscallNumber, t.WaitChannel));
        }
    }

    [Fact]
    public void TaskstatsRunTimeIsSchedstatsAndMissingThreadsSayEsrch()
    {
        using var client = TaskstatsClient.TryOpen(out string? whyNot);
        Assert.True(client is not null, whyNot);
        int spinner = _target.Threads["spin-0"], sleeper = _target.Threads["futex-2"];
        int gone = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim()) + 1;
        var tids = new[] { spinner, gone, sleeper };
        var results = new TaskAccounting[3];
        var times = new long[3];

        // On a busy machine a fresh spinner may not have been on a CPU at a scheduler tick yet.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (SchedstatRunTime(spinner) < 100_000_000 && DateTime.UtcNow < deadline) Thread.Sleep(20);
        long spinnerBefore = SchedstatRunTime(spinner);
        client.Query(tids, results, times);
        long spinnerAfter = SchedstatRunTime(spinner);

        Assert.Equal(0, results[0].Errno);
        Assert.InRange(results[0].RunNanoseconds, spinnerBefore, spinnerAfter);
        Assert.True(results[0].UserMicroseconds > 0, "a user-space spinner accumulates user time");
        Assert.Equal(Errno.ESRCH, results[1].Errno);
        Assert.Equal(0, results[2].Errno);
        Assert.Equal(SchedstatRunTime(sleeper), results[2].RunNanoseconds);
        Assert.Equal(ReadStatus(sleeper, "voluntary_ctxt_switches"), results[2].VoluntaryContextSwitches);
        Assert.Equal(ReadStatus(sleeper, "nonvoluntary_ctxt_switches"), results[2].InvoluntaryContextSwitches);
        Assert.InRange(results[2].ElapsedMicroseconds, 1, 120_000_000);
    }

    [Fact]
    public void BatchesLargerThanOneDatagramAnswerEveryThread()
    {
        using var client = TaskstatsClient.TryOpen(out string? whyNot);
        Assert.True(client is not null, whyNot);
        // 100 queries of 9 threads: several batches, repeated TIDs, every reply matched to its request.
        var tids = Enumerable.Range(0, 100).SelectMany(_ => Directory.GetDirectories($"/proc/{_target.Pid}/task").Select(d => int.Parse(Path.GetFileName(d)))).ToArray();
        var results = new TaskAccounting[tids.Length];
        client.Query(tids, results, new long[tids.Length]);
        Assert.All(results, r => Assert.Equal(0, r.Errno));
        Assert.All(results, r => Assert.True(r.ElapsedMicroseconds > 0));
    }

    [Fact]
    public unsafe void RecvmmsgHeaderHasTheKernelLayout() => Assert.Equal(64, sizeof(Libc.MultiMessageHeader));

    /// <summary>The threads 8 2 target seen through either path: spinners first and on the CPU, sleepers in
    /// their syscall with no CPU, no context switch and no fault during the interval.</summary>
    private void CheckThreadsTarget(ThreadCpuBatch batch)
    {
        Assert.Equal(9, batch.Samples.Count);
        Assert.Equal(new[] { "spin-0", "spin-1" }, batch.Samples.Take(2).Select(s => s.ThreadName).Order());
        foreach (var spinner in batch.Samples.Take(2))
        {
            // Relations only: how much CPU a spinner gets depends on what else runs on the machine.
            Assert.True(spinner.CpuPercent > 0, $"{spinner.ThreadName} at {spinner.CpuPercent:F1} %");
            Assert.True(spinner.UserPercent >= spinner.SystemPercent, $"{spinner.ThreadName} user {spinner.UserPercent:F1} % vs system {spinner.SystemPercent:F1} %");
            Assert.Equal(0, spinner.VoluntaryContextSwitches); // it never blocks
            // Preempted at every tick at most, and by each wakeup of another task: thousands a second under load.
            Assert.InRange(spinner.InvoluntaryContextSwitches, 0, (long)(spinner.Interval.TotalSeconds * 50_000));
            Assert.Contains(spinner.CurrentSyscall, new[] { "running", "user" });
        }
        foreach (var (name, syscall) in SleeperSyscalls)
        {
            var s = batch.Thread(_target.Threads[name]);
            Assert.Equal(name, s.ThreadName);
            Assert.Equal(syscall, s.CurrentSyscall);
            Assert.Equal(ThreadState.Sleeping, s.State);
            Assert.NotNull(s.WaitChannel);
            Assert.Equal(0, s.CpuPercent);
            Assert.Equal((0L, 0L, 0L, 0L), (s.VoluntaryContextSwitches, s.InvoluntaryContextSwitches, s.MinorFaults, s.MajorFaults));
            Assert.InRange(s.Processor, 0, Environment.ProcessorCount - 1);
            Assert.Equal((20, 0), (s.Priority, s.Nice));
            Assert.Equal((_target.Pid, s.ThreadId), (s.NamespaceProcessId, s.NamespaceThreadId));
        }
        Assert.False(batch.SomeFieldsUnreadable);
    }

    private long SchedstatRunTime(int tid) =>
        long.Parse(File.ReadAllText($"/proc/{_target.Pid}/task/{tid}/schedstat").Split(' ')[0]);

    private long ReadStatus(int tid, string key) =>
        long.Parse(File.ReadAllLines($"/proc/{_target.Pid}/task/{tid}/status").Single(l => l.StartsWith(key + ":", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1]);
}
