using Diag.Linux.Tracing;
using static Diag.Linux.Tests.Tracing.Kernel.KernelTraceTestSupport;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing.Kernel;

/// <summary>FollowForks in the kernel: children join the traced set at fork, before their first instruction,
/// so their calls are counted exactly; descendants too; new threads of a thread target are not followed.</summary>
public sealed class KernelFollowForkTests
{
    [RootTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void FollowsEveryChildOfALaunchedCommand(bool measureTime)
    {
        var (kernel, notices) = RunToEnd(TraceTestSupport.LaunchTarget("fork", "3", "5"),
            new TraceOptions { FollowForks = true, ByThread = true }, measureTime);

        Assert.Equal(0, kernel.ExitCode);
        var getppid = kernel.Summary.Where(s => s.Syscall == "getppid").ToList();
        Assert.Equal(3, getppid.Count);
        Assert.All(getppid, s => Assert.Equal(5, s.Calls));
        var launched = kernel.Summary.Single(s => s.Syscall == "execve").ProcessId;
        Assert.All(getppid, s => Assert.NotEqual(launched, s.ProcessId));
        Assert.All(getppid, s => Assert.Equal(s.ProcessId, s.ThreadId));
        Assert.Equal(3, notices.Count(n => n.Message.Contains("followed", StringComparison.Ordinal)));
    }

    [RootTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void FollowedTableEqualsPtracesAndStraces(bool measureTime)
    {
        var target = TraceTestSupport.LaunchTarget("fork", "4", "25");
        var (kernel, _) = RunToEnd(target, new TraceOptions { FollowForks = true }, measureTime);
        var (ptrace, _, _) = TraceTestSupport.RunToEnd(target, new TraceOptions { FollowForks = true });
        var strace = StraceLaunched(TargetProcess.ExecutablePath, "fork", "4", "25");

        Assert.Equal(100, Calls(kernel, "getppid"));
        Assert.Null(TraceTestSupport.Row(kernel, "getppid")!.ProcessId); // several processes made the calls
        Assert.Equal(Describe(Table(ptrace)), Describe(Table(kernel)));
        Assert.Equal(Describe(strace), Describe(Table(kernel)));
    }

    [RootFact]
    public void WithoutFollowForksTheChildrenAreNotCounted()
    {
        var (kernel, _) = RunToEnd(TraceTestSupport.LaunchTarget("fork", "3", "5"), new TraceOptions());
        Assert.Null(TraceTestSupport.Row(kernel, "getppid"));
        Assert.Equal(4, Calls(kernel, "wait4")); // three children, then ECHILD
    }

    [RootTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void FollowsTheChildrenOfAnAttachedProcessAndOfAThread(bool measureTime)
    {
        using var target = SpawnedTarget.Start("calls");
        var (process, _) = RunWhile(
            () => KernelSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions { FollowForks = true }, measureTime),
            () => target.Command("fork 3 40"));
        Assert.Equal(120, Calls(process, "getppid"));

        var (thread, _) = RunWhile(
            () => KernelSyscallTracer.Start(new TraceTarget.Thread(target.Threads["caller"]), new TraceOptions { FollowForks = true, ByThread = true }, measureTime),
            () => target.Command("fork 2 30"));
        var children = thread.Summary.Where(r => r.Syscall == "getppid").ToList();
        Assert.Equal(2, children.Count);
        Assert.All(children, r => Assert.Equal(30, r.Calls));
        Assert.DoesNotContain(thread.Summary, r => r.ThreadId != target.Threads["caller"] && r.ProcessId == target.Pid);
    }

    [RootFact]
    public void TraceOfAFollowingLaunchEndsWhenTheLastChildExits()
    {
        // The parent exits at once (daemon mode); the trace goes on with its child until that one exits too.
        var (kernel, notices) = RunToEnd(TraceTestSupport.LaunchTarget("daemon", "getppid", "200", "0"), new TraceOptions { FollowForks = true, ByThread = true });
        Assert.Equal(TraceEndReason.TargetExited, kernel.EndReason);
        var child = TraceTestSupport.Row(kernel, "getppid")!;
        Assert.Equal(200, child.Calls);
        Assert.Contains(notices, n => n.Message == $"child process {child.ProcessId} followed");
        Assert.Contains(notices, n => n.Message == $"process {child.ProcessId} exited");
    }
}
