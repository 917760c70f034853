using System.Diagnostics;
using Diag.Linux.Stacks;
using Diag.Linux.Tests.Tracing;

namespace Diag.Linux.Tests.Stacks;

/// <summary>
/// Reading stacks must leave the process as it was: never stopped, never traced, every signal delivered,
/// every thread running on, a process stopped with SIGSTOP still stopped; and only one thread stopped at
/// a time, each for a short while.
/// </summary>
public sealed class StopIntegrityTests
{
    [Fact]
    public void HundredReadsOfABusyFiftyThreadProcessLeaveItRunning()
    {
        // The worker raises SIGUSR1 every millisecond and counts both ends; 2 threads spin, 46 block.
        using var target = SpawnedTarget.Start("progress", "48", "2");
        var threads = TraceTestSupport.ThreadStates(target.Pid).Keys.ToList();
        Assert.Equal(50, threads.Count);
        var cpuBefore = threads.ToDictionary(t => t, CpuTicks);
        var before = target.Status();

        using var reader = new ThreadStackReader();
        var worst = TimeSpan.Zero;
        for (var i = 0; i < 100; i++)
        {
            var stacks = reader.Read(target.Pid);
            Assert.Null(stacks.Failure);
            Assert.Equal(50, stacks.Threads.Count);
            Assert.All(stacks.Threads, s => Assert.True(s.Complete, $"read {i}, thread {s.ThreadId} ({s.ThreadName}): {s.Problem}"));
            foreach (var s in stacks.Threads) if (s.StopDuration > worst) worst = s.StopDuration;
        }

        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
        Thread.Sleep(300);
        var after = target.Status();
        Assert.True(after["iterations"] > before["iterations"], "the worker kept making progress");
        Assert.True(after["received"] >= after["sent"], $"sent {after["sent"]}, received {after["received"]}: a SIGUSR1 was lost");
        Assert.True(after["sent"] > before["sent"]);
        // Every spinning thread ran on after the reads (its CPU time grew).
        foreach (var (tid, name) in target.Threads.Where(t => t.Key.StartsWith("spin-", StringComparison.Ordinal)).Select(t => (t.Value, t.Key)))
            Assert.True(CpuTicks(tid) > cpuBefore[tid], $"{name} did not run after the reads");
        // A guard against a thread left stopped (seconds to forever), not a speed test: a loaded machine may hold one briefly.
        Assert.True(worst < TimeSpan.FromSeconds(15), $"a thread was stopped for {worst}");
    }

    [Fact]
    public void AProcessStoppedBySigstopStaysStopped()
    {
        using var target = StackTestSupport.StartParked();
        Assert.Equal(0, Interop.Libc.Kill(target.Pid, 19)); // SIGSTOP
        WaitFor(() => TraceTestSupport.ThreadStates(target.Pid).Values.All(s => s == 'T'), "the process to stop");

        var stacks = StackTestSupport.Read(target.Pid);
        Assert.Equal(StackTestSupport.ExpectedFunctions["nested"], stacks.Thread(target.Threads["nested"]).Functions());
        Assert.All(stacks.Threads, s => Assert.Equal(Diag.Linux.Threads.ThreadStates.Stopped, s.State));

        Thread.Sleep(100);
        Assert.All(TraceTestSupport.ThreadStates(target.Pid).Values, s => Assert.Equal('T', s));
        Assert.Equal(0, TraceTestSupport.TracerPid(target.Pid));
        Assert.Equal(0, Interop.Libc.Kill(target.Pid, 18)); // SIGCONT
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
    }

    [Fact]
    public void AThreadThatCannotStopIsReleasedByTheKernelAndRunsOn()
    {
        // "vforker" waits for its vfork child in uninterruptible sleep (the child sleeps 100 s): ptrace cannot stop it there.
        using var target = SpawnedTarget.Start("vfork-hold", "100000");
        var tid = target.Threads["vforker"];
        WaitFor(() => TraceTestSupport.ThreadStates(target.Pid)[tid] == 'D', "the thread to wait for its vfork child");
        var firstChild = VforkChild(target.Pid, tid);

        using var reader = new ThreadStackReader(new ThreadStackOptions { StopTimeout = TimeSpan.FromMilliseconds(100), Kernel = true });
        var stacks = reader.Read(target.Pid);
        var stuck = stacks.Thread(tid);
        Assert.Empty(stuck.Frames);
        Assert.False(stuck.Complete);
        Assert.Contains("did not stop", stuck.Problem);
        Assert.Contains(stacks.Threads, s => s.ThreadId == target.Pid && s.Complete); // the other thread was read
        Assert.Contains(reader.Warnings, w => w.StartsWith("1 thread did not stop", StringComparison.Ordinal));
        if (Interop.Libc.GetEffectiveUserId() == 0)
            Assert.Contains(stuck.KernelFrames!, f => f.Function!.Contains("vfork", StringComparison.Ordinal));

        // The tracer thread that seized it has ended: the kernel detached it, and when its child exits it goes on.
        Assert.Equal(0, TraceTestSupport.TracerPid(tid));
        Assert.Equal(0, Interop.Libc.Kill(firstChild, 9));
        WaitFor(() => VforkChild(target.Pid, tid) is var child && child != 0 && child != firstChild, "the next vfork");
        Assert.NotEqual('t', TraceTestSupport.ThreadStates(target.Pid)[tid]);
    }

    [Fact]
    public void CancellingWhileAThreadCannotStopReturnsAndReleasesIt()
    {
        using var target = SpawnedTarget.Start("vfork-hold", "100000");
        var tid = target.Threads["vforker"];
        WaitFor(() => TraceTestSupport.ThreadStates(target.Pid)[tid] == 'D', "the thread to wait for its vfork child");
        using var reader = new ThreadStackReader(new ThreadStackOptions { StopTimeout = TimeSpan.FromMinutes(5) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        var stacks = reader.Read(target.Pid, [tid], cancel.Token);
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"Ctrl+C took {watch.Elapsed} to end the read");
        Assert.Empty(Assert.Single(stacks.Threads).Frames);
        Assert.Equal(0, TraceTestSupport.TracerPid(tid));
    }

    [Fact]
    public void TheHostsOwnChildrenKeepTheirExitCodes()
    {
        using var target = StackTestSupport.StartParked();
        using var reader = new ThreadStackReader();
        for (var i = 0; i < 10; i++)
        {
            using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 0.05; exit 3"]) { UseShellExecute = false })!;
            Assert.Null(reader.Read(target.Pid).Failure);
            Assert.True(shell.WaitForExit(10_000));
            Assert.Equal(3, shell.ExitCode);
        }
    }

    private static long CpuTicks(int tid)
    {
        var stat = File.ReadAllText($"/proc/{tid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]); // utime + stime
    }

    private static int VforkChild(int pid, int tid)
    {
        var children = File.ReadAllText($"/proc/{pid}/task/{tid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return children.Length == 0 ? 0 : int.Parse(children[0]);
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), "timed out waiting for " + what);
            Thread.Sleep(5);
        }
    }
}
