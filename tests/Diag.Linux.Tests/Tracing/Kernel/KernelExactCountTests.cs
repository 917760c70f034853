using Diag.Linux.Tracing;
using Diag.Linux.Tracing.Kernel;
using static Diag.Linux.Tests.Tracing.Kernel.KernelTraceTestSupport;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing.Kernel;

/// <summary>The kernel backend counts exactly what ptrace and strace -c count: whole tables for a launched
/// command, the commanded calls of an attached process and of one of its threads.</summary>
public sealed class KernelExactCountTests
{
    [RootTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void LaunchedCommandTableEqualsPtracesAndStraces(bool measureTime)
    {
        var target = TraceTestSupport.LaunchTarget("getppid", "3000", "7");
        var (kernel, _) = RunToEnd(target, new TraceOptions(), measureTime);
        var (ptrace, _, _) = TraceTestSupport.RunToEnd(target, new TraceOptions());
        var strace = StraceLaunched(TargetProcess.ExecutablePath, "getppid", "3000", "7");

        Assert.Equal(TraceBackend.Kernel, kernel.Backend);
        Assert.All(kernel.Summary, r => Assert.Equal(TraceBackend.Kernel, r.BackendValue));
        Assert.Equal(TraceEndReason.TargetExited, kernel.EndReason);
        Assert.Equal(0, kernel.ExitCode);
        Assert.Equal(3000, Calls(kernel, "getppid"));
        Assert.Equal(Describe(Table(ptrace)), Describe(Table(kernel)));
        Assert.Equal(Describe(strace), Describe(Table(kernel)));
    }

    [RootFact]
    public void CountingWithoutTheTypedProgramGivesTheSameTable()
    {
        // Counting uses a BTF-typed sys_exit program where the kernel has BTF; the plain one (bpf_probe_read_kernel
        // of the syscall number) is what kernels without BTF get.
        var target = TraceTestSupport.LaunchTarget("getppid", "1500", "4");
        var (typed, _) = RunToEnd(target, new TraceOptions(), measureTime: false);
        KernelTraceSupport.UseTypedSysExit = false;
        try
        {
            var (plain, _) = RunToEnd(target, new TraceOptions(), measureTime: false);
            Assert.Equal(Describe(Table(typed)), Describe(Table(plain)));
            Assert.Equal(1500, Calls(plain, "getppid"));
        }
        finally
        {
            KernelTraceSupport.UseTypedSysExit = true;
        }
    }

    [RootFact]
    public void ErrorsByErrnoEqualPtraces()
    {
        var target = TraceTestSupport.LaunchTarget("getppid", "10", "9");
        var (kernel, _) = RunToEnd(target, new TraceOptions());
        var (ptrace, _, _) = TraceTestSupport.RunToEnd(target, new TraceOptions());

        var failing = kernel.Summary.Where(r => r.Errors > 0).ToList();
        Assert.Contains(failing, r => r.Syscall == "openat" && r.ErrorCounts.Any(e => e.Error == "ENOENT" && e.Count == 9));
        foreach (var row in failing)
        {
            var other = TraceTestSupport.Row(ptrace, row.Syscall)!;
            Assert.Equal(other.ErrorCounts.Select(e => (e.Error, e.Count)), row.ErrorCounts.Select(e => (e.Error, e.Count)));
            Assert.Equal(other.ErrorBreakdown, row.ErrorBreakdown);
            Assert.Equal(row.Errors, row.ErrorCounts.Sum(e => e.Count));
        }
        Assert.Equal(ptrace.Summary.Count(r => r.Errors > 0), failing.Count);
    }

    [RootTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void AttachedProcessCountsTheCommandedCallsLikePtraceAndStrace(bool measureTime)
    {
        using var target = SpawnedTarget.Start("calls");
        var (kernel, notices) = RunWhile(
            () => KernelSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions(), measureTime),
            () => target.Command("calls 2500 6"));
        var (ptrace, _) = RunWhile(
            () => PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions()),
            () => target.Command("calls 2500 6"));
        var strace = StraceAttached(target.Pid, () => target.Command("calls 2500 6"));

        Assert.Equal(TraceEndReason.Stopped, kernel.EndReason);
        Assert.Equal(target.Pid, TraceTestSupport.Row(kernel, "getppid")!.ProcessId);
        foreach (var table in new[] { Table(kernel), Table(ptrace), strace })
        {
            Assert.Equal((2500, 0), table["getppid"]);
            Assert.Equal((6, 6), table["openat"]);
            Assert.Equal(3, table["write"].Calls); // main: to the caller and "DONE"; caller: its answer
        }
        Assert.Contains(notices, n => n.Message.StartsWith($"counting the syscalls of process {target.Pid} ", StringComparison.Ordinal));
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
    }

    [RootTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void ThreadTargetCountsOnlyThatThread(bool measureTime)
    {
        using var target = SpawnedTarget.Start("calls");
        var caller = target.Threads["caller"];
        var (kernel, _) = RunWhile(
            () => KernelSyscallTracer.Start(new TraceTarget.Thread(caller), new TraceOptions(), measureTime),
            () => target.Command("calls 1200 4"));
        var (ptrace, _) = RunWhile(
            () => PtraceSyscallTracer.Start(new TraceTarget.Thread(caller), new TraceOptions()),
            () => target.Command("calls 1200 4"));

        foreach (var result in new[] { kernel, ptrace })
        {
            Assert.Equal(1200, Calls(result, "getppid"));
            Assert.Equal(4, TraceTestSupport.Row(result, "openat")!.Errors);
            Assert.Equal(1, Calls(result, "write")); // the caller's answer; the main thread's writes are not its own
            Assert.All(result.Summary, r => Assert.Equal(target.Pid, r.ProcessId));
        }
    }

    [RootTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void ExecFromANonLeaderThreadCountsBothExecs(bool measureTime)
    {
        var (kernel, _) = RunToEnd(TraceTestSupport.LaunchTarget("thread-exec", "50"), new TraceOptions(), measureTime);
        Assert.Equal(0, kernel.ExitCode);
        Assert.Equal(50, Calls(kernel, "getppid"));
        Assert.Equal(2, Calls(kernel, "execve")); // the launch, then the thread's, which returns as the leader
    }

    [RootTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void SyscallFilterCountsOnlyTheChosenCalls(bool measureTime)
    {
        var options = new TraceOptions { Syscalls = new HashSet<int> { TraceTestSupport.Number("getppid"), TraceTestSupport.Number("openat") } };
        var (kernel, _) = RunToEnd(TraceTestSupport.LaunchTarget("getppid", "500", "3"), options, measureTime);
        Assert.Equal(new[] { "getppid", "openat" }, kernel.Summary.Select(s => s.Syscall).Order());
        Assert.Equal(500, Calls(kernel, "getppid"));
        Assert.Equal(3, TraceTestSupport.Row(kernel, "openat")!.Errors);
    }

    [RootFact]
    public void ByThreadNamesTheThread()
    {
        var (kernel, _) = RunToEnd(TraceTestSupport.LaunchTarget("getppid", "100", "0"), new TraceOptions { ByThread = true });
        var row = TraceTestSupport.Row(kernel, "getppid")!;
        Assert.Equal(100, row.Calls);
        Assert.Equal(row.ProcessId, row.ThreadId);
        Assert.All(kernel.Summary, r => Assert.Equal(row.ThreadId, r.ThreadId));
    }
}
