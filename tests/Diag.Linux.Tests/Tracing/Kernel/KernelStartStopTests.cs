using System.Diagnostics;
using Diag.Linux.Tests.Bpf;
using Diag.Linux.Tracing;
using Diag.Linux.Tracing.Kernel;
using static Diag.Linux.Tests.Tracing.Kernel.KernelTraceTestSupport;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing.Kernel;

/// <summary>A trace leaves nothing behind: no fd, no map, no program, no link, in this process or the
/// kernel, however it ends; the target runs on untouched.</summary>
public sealed class KernelStartStopTests
{
    [RootFact]
    public void HundredStartsAndStopsLeakNothingAndLeaveTheTargetAsItWas()
    {
        using var target = SpawnedTarget.Start("calls");
        var options = new TraceOptions { FollowForks = true }; // every program and map kind: fork, enter, exit, traced set
        Once(target.Pid, options); // first use: the runtime's own lazily opened fds
        var before = Snapshot();

        var programs = new List<uint>();
        for (var i = 0; i < 100; i++)
        {
            var session = (KernelTraceSession)KernelSyscallTracer.Start(new TraceTarget.Process(target.Pid), options);
            programs.AddRange(session.Programs.Select(p => p.Id));
            var fds = BpfObjects.OpenFds();
            Assert.Equal(4, fds.GetValueOrDefault("anon_inode:bpf-prog")); // fork, exit, sys_enter, sys_exit
            Assert.Equal(4, fds.GetValueOrDefault("anon_inode:bpf_link"));
            session.Stop();
            Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
            Assert.Equal(TraceEndReason.Stopped, session.Completion.Result.EndReason);
            session.Dispose();
        }

        // What a trace opens: maps, programs, links, its stop eventfd, the pidfd. No other kind of fd may have
        // grown either; pipes of processes earlier tests started may close meanwhile. A file some other thread of
        // the test host reads at this instant is gone at the next look, a leak is not. Assemblies and native
        // libraries the runtime loads on first use stay open by design and are not the trace's.
        var after = Snapshot();
        for (var look = 0; look < 50 && Grown(before, after).Count > 0; look++)
        {
            Thread.Sleep(20);
            after = Snapshot();
        }
        foreach (var kind in new[] { "anon_inode:bpf-map", "anon_inode:bpf-prog", "anon_inode:bpf_link", "anon_inode:[eventfd]", "anon_inode:[pidfd]" })
            Assert.Equal($"{kind}={before.GetValueOrDefault(kind)}", $"{kind}={after.GetValueOrDefault(kind)}");
        Assert.True(Grown(before, after).Count == 0, $"grown: {string.Join(", ", Grown(before, after))}\nbefore: {BpfObjects.Describe(before)}\nafter: {BpfObjects.Describe(after)}");
        Assert.DoesNotContain(after.Keys, k => k.StartsWith("anon_inode:bpf", StringComparison.Ordinal));
        Assert.Equal(400, programs.Distinct().Count());
        Assert.True(BpfObjects.AllGone(programs, []), "every program was freed by the kernel");

        // The target never noticed: it answers, counts exactly under a new trace, is not stopped or traced.
        var (result, _) = RunWhile(() => KernelSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions()),
            () => target.Command("calls 777 0"));
        Assert.Equal(777, Calls(result, "getppid"));
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
        Assert.Equal(1, target.Status()["done"]); // only the command above ran
    }

    [RootFact]
    public void MapsAreFreedWithTheirPrograms()
    {
        using var target = SpawnedTarget.Start("calls");
        var session = (KernelTraceSession)KernelSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions());
        var fds = Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Where(f => new FileInfo(f).LinkTarget == "anon_inode:bpf-map")
            .Select(f => int.Parse(Path.GetFileName(f)))
            .ToList();
        Assert.NotEmpty(fds);
        var maps = fds.Select(BpfObjects.Id).ToList();
        var programs = session.Programs.Select(p => p.Id).ToList();
        session.Dispose();
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
        Assert.True(BpfObjects.AllGone(programs, maps), "maps and programs freed");
    }

    [RootFact]
    public void StopReturnsAtOnceAndKillsALaunchedCommand()
    {
        using var session = KernelSyscallTracer.Start(new TraceTarget.Launch("sleep", ["30"], null), new TraceOptions());
        var pid = session.LaunchedProcessId!.Value;
        Assert.True(Directory.Exists($"/proc/{pid}"));
        var clock = Stopwatch.StartNew();
        session.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(100), "Stop() returns at once");
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(5)));
        session.Stop(); // idempotent
        var result = session.Completion.Result;
        Assert.Equal(TraceEndReason.Stopped, result.EndReason);
        Assert.Equal(9, result.TerminatingSignal);
        Assert.Null(result.ExitCode);
        Assert.False(Directory.Exists($"/proc/{pid}"), "the command is gone and reaped (no zombie)");
        Assert.NotNull(TraceTestSupport.Row(result, "execve"));
    }

    [RootFact]
    public void TargetExitEndsTheTrace()
    {
        var target = SpawnedTarget.Start("calls");
        using var session = KernelSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions());
        target.Command("calls 10 0");
        target.Dispose(); // closes its stdin: the target exits 0
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(TraceEndReason.TargetExited, session.Completion.Result.EndReason);
        Assert.Equal(0, session.Completion.Result.ExitCode); // not our child: the kernel program saw its status
        Assert.Null(session.Completion.Result.TerminatingSignal);
        Assert.Equal(10, Calls(session.Completion.Result, "getppid"));
    }

    [RootFact]
    public void TargetKilledWhileTracedEndsTheTraceWithItsSignal()
    {
        using var target = SpawnedTarget.Start("progress");
        using var session = KernelSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions());
        var notices = TraceTestSupport.Drain(session.Notices);
        Thread.Sleep(50);
        Assert.Equal(0, Interop.Libc.Kill(target.Pid, 9));
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
        var result = session.Completion.Result;
        Assert.Equal(TraceEndReason.TargetExited, result.EndReason);
        Assert.Equal(9, result.TerminatingSignal);
        Assert.Null(result.ExitCode);
        Assert.True(notices.Wait(TimeSpan.FromSeconds(10)));
        Assert.Contains(notices.Result, n => n.Message == $"process {target.Pid} was killed by signal 9");
    }

    [RootFact]
    public void ThreadExitEndsAThreadTrace()
    {
        using var target = SpawnedTarget.Start("threads", "3", "0");
        var thread = target.Threads["nanosleep-1"];
        using var session = KernelSyscallTracer.Start(new TraceTarget.Thread(thread), new TraceOptions());
        var notices = TraceTestSupport.Drain(session.Notices);
        Assert.Equal(0, Interop.Libc.Kill(target.Pid, 9));
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(TraceEndReason.TargetExited, session.Completion.Result.EndReason);
        Assert.Null(session.Completion.Result.ExitCode); // a thread target has none
    }

    /// <summary>The kinds of fd that are more numerous than before, runtime images aside.</summary>
    private static List<string> Grown(Dictionary<string, int> before, Dictionary<string, int> after) =>
        after.Where(kv => !IsRuntimeImage(kv.Key) && kv.Value > before.GetValueOrDefault(kv.Key))
            .Select(kv => $"{kv.Key} {before.GetValueOrDefault(kv.Key)} -> {kv.Value}").ToList();

    private static bool IsRuntimeImage(string target) =>
        target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".so", StringComparison.Ordinal) || target.Contains(".so.", StringComparison.Ordinal);

    private static Dictionary<string, int> Snapshot()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers(); // streams of processes earlier tests started close their pipes
        return BpfObjects.OpenFds();
    }

    private static void Once(int pid, TraceOptions options)
    {
        using var session = KernelSyscallTracer.Start(new TraceTarget.Process(pid), options);
        session.Stop();
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
    }
}
