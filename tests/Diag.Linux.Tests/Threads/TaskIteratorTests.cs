using System.Diagnostics;
using Diag.Linux.Threads;

namespace Diag.Linux.Tests.Threads;

/// <summary>
/// The BPF task iterator reads what /proc's stat, status, schedstat, syscall and wchan files say, from the kernel's
/// task structures in one pass. Each test reads real processes through /proc, then the iterator, then /proc again:
/// a field that cannot change while nothing happens (IDs, names, priority, a blocked thread's call and wait channel)
/// must be equal, a counter must lie between the two /proc readings.
/// </summary>
public sealed class TaskIteratorTests : IDisposable
{
    private static readonly string[] Sleepers = ["futex-2", "nanosleep-3", "pause-4", "read-5", "recvfrom-6", "futex-7"];

    private readonly TargetProcess _target = TargetProcess.Start("threads", "8", "2");

    public void Dispose() => _target.Dispose();

    [RootFact]
    public void AsRootTheTaskIteratorIsUsedAndSaysSo()
    {
        using var sampler = new ThreadCpuSampler(ThreadSelection.ForProcessIds([_target.Pid]));
        Assert.True(sampler.UsesTaskIterator, sampler.SourceDescription);
        Assert.Contains("task iterator", sampler.SourceDescription, StringComparison.Ordinal);
        var batch = sampler.Sample(TimeSpan.FromSeconds(0.3), 1).Single();
        Assert.Equal(9, batch.Samples.Count);
        Assert.All(batch.Samples, s => Assert.Equal("TaskIterator", s.CpuTimeSource));
        Assert.Empty(batch.MissingProcessIds);
    }

    [RootFact]
    public void TheIteratorReadsWhatProcSaysOfEveryThreadOfAProcess()
    {
        var selection = ThreadSelection.ForProcessIds([_target.Pid]);
        ProcSandwich(selection, out var before, out var iterated, out var after);
        Assert.Equal(9, iterated.Threads.Count);
        Assert.Equal(before.Threads.Keys.Order(), iterated.Threads.Keys.Order());
        foreach (var reading in iterated.Threads.Values)
            AssertAgrees(before.Threads[reading.ThreadId], reading, after.Threads[reading.ThreadId]);

        foreach (var name in Sleepers)
        {
            var tid = _target.Threads[name];
            var t = iterated.Threads[tid];
            Assert.Equal((byte)'S', t.State);
            Assert.NotNull(t.Syscall);
            Assert.NotNull(t.WaitChannel);
        }
        foreach (var name in new[] { "spin-0", "spin-1" })
            Assert.True(iterated.Threads[_target.Threads[name]].RunNanoseconds > 0);
    }

    [RootFact]
    public void SamplesFromTheIteratorEqualSamplesFromProc()
    {
        var selection = ThreadSelection.ForProcessIds([_target.Pid]);
        ThreadCpuBatch viaIterator, viaProc;
        using (var sampler = new ThreadCpuSampler(selection, "/", ThreadSources.TaskIterator))
            viaIterator = sampler.Sample(TimeSpan.FromSeconds(0.4), 1).Single();
        using (var sampler = new ThreadCpuSampler(selection, "/", ThreadSources.Proc))
            viaProc = sampler.Sample(TimeSpan.FromSeconds(0.4), 1).Single();

        Assert.Equal(viaProc.Samples.Select(s => s.ThreadId).Order(), viaIterator.Samples.Select(s => s.ThreadId).Order());
        foreach (var t in viaIterator.Samples)
        {
            var p = viaProc.Thread(t.ThreadId);
            Assert.Equal((p.ProcessId, p.ProcessName, p.ThreadName, p.Priority, p.Nice, p.IsKernelThread),
                (t.ProcessId, t.ProcessName, t.ThreadName, t.Priority, t.Nice, t.IsKernelThread));
            Assert.Equal((p.NamespaceProcessId, p.NamespaceThreadId, p.StartTime), (t.NamespaceProcessId, t.NamespaceThreadId, t.StartTime));
            if (t.ThreadName.StartsWith("spin-", StringComparison.Ordinal))
            {
                Assert.Equal(("Running", "R", "running"), (t.State, t.StateCode, t.CurrentSyscall));
                Assert.True(p.CpuTime > t.CpuTime, $"{t.ThreadName}: run time grows from the first sample to the second");
                Assert.True(t.CpuPercent > 0 && t.UserPercent + t.SystemPercent > 0);
            }
            else
            {
                Assert.Equal(p.CpuTime, t.CpuTime); // a blocked thread's run time stands still: both read sum_exec_runtime
                Assert.Equal((p.State, p.StateCode, p.CurrentSyscall, p.CurrentSyscallNumber, p.WaitChannel, p.Processor),
                    (t.State, t.StateCode, t.CurrentSyscall, t.CurrentSyscallNumber, t.WaitChannel, t.Processor));
            }
        }
        Assert.Equal("recvfrom", viaIterator.Thread(_target.Threads["recvfrom-6"]).CurrentSyscall);
        Assert.Equal("clock_nanosleep", viaIterator.Thread(_target.Threads["nanosleep-3"]).CurrentSyscall);
    }

    [RootFact]
    public void EveryThreadOnTheMachineThatStoodStillReadsAsProcSaysIt()
    {
        // Kernel threads, other users' processes, this test host: whatever did not change between the two /proc
        // readings must read the same through the iterator.
        var all = ThreadSelection.AllProcesses();
        ProcSandwich(all, out var before, out var iterated, out var after);
        int compared = 0, kernelThreads = 0;
        foreach (var reading in iterated.Threads.Values)
        {
            if (!before.Threads.TryGetValue(reading.ThreadId, out var b) || !after.Threads.TryGetValue(reading.ThreadId, out var a)) continue;
            if (b.RunNanoseconds != a.RunNanoseconds || b.State != a.State || b.Name != a.Name || b.WaitChannel != a.WaitChannel) continue;
            AssertAgrees(b, reading, a);
            compared++;
            if (reading.IsKernelThread) kernelThreads++;
        }
        Assert.True(compared > 20, $"{compared} threads stood still");
        Assert.True(kernelThreads > 0, "kernel threads are compared too");
        // Processes' names are settled as the /proc path settles them (comm, or the untruncated name).
        // (A workqueue worker's name says what it works on at the instant: it may change and change back.)
        foreach (var (pid, name) in iterated.ProcessNames)
            if (before.ProcessNames.TryGetValue(pid, out var procName) && after.ProcessNames.TryGetValue(pid, out var again) && procName == again
                && !iterated.Threads[pid].IsKernelThread)
                Assert.Equal(procName, name);
    }

    [RootFact]
    public void ByNameTheIteratorFindsTheSameProcesses()
    {
        using var renamed = TargetProcess.Start("rename", "diag-iter-" + Environment.ProcessId % 1000);
        var selection = ThreadSelection.ForProcessNames([n => n.StartsWith("diag-iter-", StringComparison.Ordinal), n => n == "no-such-process-here"]);
        var viaIterator = Sample(selection, ThreadSources.TaskIterator);
        var viaProc = Sample(selection, ThreadSources.Proc);
        Assert.Equal([renamed.Pid], viaIterator.Samples.Select(s => s.ProcessId).Distinct());
        Assert.Equal(viaProc.Samples.Select(s => (s.ProcessId, s.ThreadId, s.ProcessName)), viaIterator.Samples.Select(s => (s.ProcessId, s.ThreadId, s.ProcessName)));
        Assert.Equal([1], viaIterator.UnmatchedNamePatterns);
    }

    [RootFact]
    public void AThreadIdGivenAsAProcessIdReadsItsProcessAndAMissingIdIsMissing()
    {
        var spinner = _target.Threads["spin-0"];
        var batch = Sample(ThreadSelection.ForProcessIds([spinner, int.MaxValue]), ThreadSources.TaskIterator);
        Assert.Equal([int.MaxValue], batch.MissingProcessIds);
        Assert.Equal(9, batch.Samples.Count);
        Assert.All(batch.Samples, s => Assert.Equal(_target.Pid, s.ProcessId));
        Assert.All(batch.Samples, s => Assert.Equal("TaskIterator", s.CpuTimeSource));
    }

    [RootFact]
    public void AZombieReadsAsProcSaysIt()
    {
        using var parent = TargetProcess.Start("zombie");
        int zombie = parent.Threads["zombie"];
        var selection = ThreadSelection.ForProcessIds([zombie]);
        ProcSandwich(selection, out var before, out var iterated, out var after);
        var z = Assert.Single(iterated.Threads.Values);
        Assert.Equal((byte)'Z', z.State);
        AssertAgrees(before.Threads[zombie], z, after.Threads[zombie]);
    }

    [RootFact]
    public void ThreadsThatExitMidReadAreSkippedOrWholeNeverHalf()
    {
        // "churn": one thread creates and joins short-lived threads as fast as it can, so that threads exit while
        // each pass walks the process.
        using var churn = TargetProcess.Start("churn");
        var selection = ThreadSelection.ForProcessIds([churn.Pid]);
        using var sampler = new ThreadCpuSampler(selection, "/", ThreadSources.TaskIterator);
        Assert.True(sampler.UsesTaskIterator);
        int ephemeral = 0;
        foreach (var batch in sampler.Sample(TimeSpan.FromSeconds(0.1), 10))
        {
            Assert.Contains(batch.Samples, s => s.ThreadId == churn.Pid);
            Assert.Contains(batch.Samples, s => s.ThreadId == churn.Threads["churner"]);
            foreach (var s in batch.Samples)
            {
                Assert.Equal(churn.Pid, s.ProcessId);
                Assert.Contains(s.ThreadName, new[] { "diag-test-targe", "churner", "ephemeral" });
                Assert.True(s.StartTime <= s.SampleTime.AddSeconds(1) && s.CpuPercent >= 0 && s.Interval > TimeSpan.Zero, s.ToString());
                Assert.NotEqual("Unknown", s.State);
                if (s.ThreadName == "ephemeral") ephemeral++;
            }
        }
        Assert.True(churn.Status()["created"] > 10, "threads were created and joined during the passes");
        _ = ephemeral; // how many were caught alive is luck; that none broke a pass is the point
    }

    [RootFact]
    public void AProcessInAnotherPidNamespaceHasItsInnerIds()
    {
        var info = new ProcessStartInfo("unshare")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--pid", "--fork", TargetProcess.ExecutablePath, "threads", "3", "0" }) info.ArgumentList.Add(a);
        using var unshare = Process.Start(info)!;
        try
        {
            var inner = new Dictionary<string, int>();
            string? line;
            while ((line = unshare.StandardOutput.ReadLine()) is not null && !line.StartsWith("READY ", StringComparison.Ordinal))
                if (line.StartsWith("THREAD ", StringComparison.Ordinal)) inner[line.Split(' ')[1]] = int.Parse(line.Split(' ')[2]);
            Assert.Equal("READY 1", line);
            int hostPid = int.Parse(File.ReadAllText($"/proc/{unshare.Id}/task/{unshare.Id}/children").Trim().Split(' ')[0]);

            var selection = ThreadSelection.ForProcessIds([hostPid]);
            ProcSandwich(selection, out var before, out var iterated, out var after);
            Assert.Equal(4, iterated.Threads.Count);
            foreach (var reading in iterated.Threads.Values)
            {
                AssertAgrees(before.Threads[reading.ThreadId], reading, after.Threads[reading.ThreadId]);
                Assert.Equal(1, reading.NamespaceProcessId);
            }
            Assert.Equal(1, iterated.Threads[hostPid].NamespaceThreadId);
            foreach (var (name, tid) in inner)
                Assert.Contains(iterated.Threads.Values, r => r.Name == name && r.NamespaceThreadId == tid && r.ThreadId != tid);
        }
        finally
        {
            unshare.StandardInput.Close();
            if (!unshare.WaitForExit(5000)) unshare.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Reads <paramref name="selection"/> through /proc, then the task iterator, then /proc again; taskstats
    /// around the iterator too, for the user and system times that /proc adjusts and taskstats reports raw.</summary>
    private static void ProcSandwich(ThreadSelection selection, out ThreadSnapshot before, out ThreadSnapshot iterated, out ThreadSnapshot after)
    {
        var filter = selection.Processes.ProcessIds is not null;
        using var proc = new ThreadSnapshotReader("/", ThreadSources.Proc, filter);
        using var taskstats = new ThreadSnapshotReader("/", ThreadSources.Taskstats, filter);
        using var iterator = new ThreadSnapshotReader("/", ThreadSources.TaskIterator, filter);
        Assert.True(iterator.UsesTaskIterator, iterator.IteratorUnusedReason);
        Assert.True(taskstats.UsesTaskstats, taskstats.TaskstatsUnusedReason);
        before = Read(proc, selection);
        var statsBefore = Read(taskstats, selection);
        iterated = Read(iterator, selection);
        var statsAfter = Read(taskstats, selection);
        after = Read(proc, selection);
        foreach (var i in iterated.Threads.Values)
        {
            if (!statsBefore.Threads.TryGetValue(i.ThreadId, out var b) || !statsAfter.Threads.TryGetValue(i.ThreadId, out var a)) continue;
            // taskstats gives the raw utime and stime in microseconds, the iterator in nanoseconds.
            Between(b.UserTime.Ticks, i.UserTime.Ticks / 10 * 10, a.UserTime.Ticks, $"thread {i.ThreadId}: user time");
            Between(b.SystemTime.Ticks, i.SystemTime.Ticks / 10 * 10, a.SystemTime.Ticks, $"thread {i.ThreadId}: system time");
        }
    }

    private static ThreadSnapshot Read(ThreadSnapshotReader reader, ThreadSelection selection)
    {
        var snapshot = new ThreadSnapshot();
        reader.Read(selection, full: true, snapshot, new List<int>(), selection.Processes.Names is { } p ? new bool[p.Count] : null, keepFilesOpen: false);
        foreach (var pid in snapshot.Threads.Values.Select(r => r.ProcessId).Distinct().ToList())
            if (!snapshot.ProcessNames.ContainsKey(pid) && reader.ReadProcessName(pid) is { } name) snapshot.ProcessNames[pid] = name;
        return snapshot;
    }

    /// <summary>The iterator's reading <paramref name="i"/> against /proc's before and after it.</summary>
    private static void AssertAgrees(in ThreadReading before, in ThreadReading i, in ThreadReading after)
    {
        var who = $"thread {i.ThreadId} ({i.Name}) of {i.ProcessId}";
        Assert.True(before.IsSameThreadAs(i) && i.IsSameThreadAs(after), who + ": start time");
        Assert.Equal((before.ProcessId, before.ThreadId, before.StartTicks, before.IsKernelThread), (i.ProcessId, i.ThreadId, i.StartTicks, i.IsKernelThread));
        Assert.Equal((before.NamespaceProcessId > 0 ? before.NamespaceProcessId : before.ProcessId, before.NamespaceThreadId > 0 ? before.NamespaceThreadId : before.ThreadId),
            (i.NamespaceProcessId, i.NamespaceThreadId));
        if (before.Name == after.Name) Assert.True(before.Name == i.Name, $"{who}: name {i.Name}, /proc {before.Name}");
        if (before.Priority == after.Priority) Assert.Equal(before.Priority, i.Priority);
        if (before.Nice == after.Nice) Assert.Equal(before.Nice, i.Nice);
        Between(before.RunNanoseconds, i.RunNanoseconds, after.RunNanoseconds, who + ": run time");
        Between(before.MinorFaults, i.MinorFaults, after.MinorFaults, who + ": minor faults");
        Between(before.MajorFaults, i.MajorFaults, after.MajorFaults, who + ": major faults");
        Between(before.VoluntaryContextSwitches, i.VoluntaryContextSwitches, after.VoluntaryContextSwitches, who + ": voluntary switches");
        Between(before.InvoluntaryContextSwitches, i.InvoluntaryContextSwitches, after.InvoluntaryContextSwitches, who + ": involuntary switches");
        if (before.State == after.State && before.RunNanoseconds == after.RunNanoseconds)
        {
            // It did not run: everything it shows about its state must be what /proc showed.
            Assert.True(before.State == i.State, $"{who}: state {(char)i.State}, /proc {(char)before.State}");
            Assert.Equal(before.Processor, i.Processor);
            Assert.Equal(before.Syscall, i.Syscall);
            if (before.WaitChannel == after.WaitChannel) Assert.True(before.WaitChannel == i.WaitChannel, $"{who}: wchan {i.WaitChannel}, /proc {before.WaitChannel}");
        }
    }

    private static void Between(long low, long value, long high, string what) =>
        Assert.True(low <= value && value <= high, $"{what}: {value} is not within /proc's {low}..{high}");

    private static ThreadCpuBatch Sample(ThreadSelection selection, ThreadSources sources)
    {
        using var sampler = new ThreadCpuSampler(selection, "/", sources);
        return sampler.Sample(TimeSpan.FromSeconds(0.2), 1).Single();
    }
}
