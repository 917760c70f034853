using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using Diag.Linux.Ptrace;
using Diag.Linux.Tests.Bpf;
using Diag.Linux.Tracing;
using Diag.Linux.Tracing.Kernel;
using static Diag.Linux.Bpf.BpfRegister;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing.Kernel;

/// <summary>A kernel trace that cannot start says why and what to do, with nothing left behind; Auto picks
/// a backend and says why.</summary>
public sealed class KernelStartErrorTests
{
    [Fact]
    public void MissingTargetsAreTargetNotFound()
    {
        var pid = TraceTestSupport.UnusedPid();
        var e = Assert.Throws<TargetException>(() => KernelSyscallTracer.Start(new TraceTarget.Process(pid), new TraceOptions()));
        Assert.Equal(TargetFailureReason.NotFound, e.Reason);
        Assert.Equal(pid, e.ProcessId);
        e = Assert.Throws<TargetException>(() => KernelSyscallTracer.Start(new TraceTarget.Thread(pid), new TraceOptions()));
        Assert.Equal(TargetFailureReason.NotFound, e.Reason);

        using var target = SpawnedTarget.Start("calls");
        e = Assert.Throws<TargetException>(() => KernelSyscallTracer.Start(new TraceTarget.Process(target.Threads["caller"]), new TraceOptions()));
        Assert.Equal(TargetFailureReason.NotFound, e.Reason);
        Assert.Contains("ThreadId", e.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelThreadIsUnsupported()
    {
        var e = Assert.Throws<TargetException>(() => KernelSyscallTracer.Start(new TraceTarget.Process(2), new TraceOptions()));
        Assert.Equal(TargetFailureReason.Unsupported, e.Reason);
        Assert.Contains("kernel thread", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandsThatCannotStartAreLaunchFailedAndLeaveNoChild()
    {
        var children = Children();
        var e = Assert.Throws<TargetException>(() => KernelSyscallTracer.Start(new TraceTarget.Launch("/nonexistent/no-such-command", [], null), new TraceOptions()));
        Assert.Equal(TargetFailureReason.LaunchFailed, e.Reason);
        Assert.Equal(Errno.ENOENT, e.Errno);

        var file = Path.GetTempFileName(); // exists, mode 0600: execve fails with EACCES in the child
        try
        {
            e = Assert.Throws<TargetException>(() => KernelSyscallTracer.Start(new TraceTarget.Launch(file, [], null), new TraceOptions()));
            Assert.Equal(TargetFailureReason.LaunchFailed, e.Reason);
            Assert.Equal(Errno.EACCES, e.Errno);
        }
        finally
        {
            File.Delete(file);
        }

        e = Assert.Throws<TargetException>(() => KernelSyscallTracer.Start(
            new TraceTarget.Launch(TargetProcess.ExecutablePath, ["getppid", "1", "0"], "/nonexistent/dir"), new TraceOptions()));
        Assert.Equal(TargetFailureReason.LaunchFailed, e.Reason);
        Assert.Contains("working directory", e.Message, StringComparison.Ordinal);
        Assert.Subset(children, Children()); // none left, not even a zombie
        Assert.DoesNotContain(BpfObjects.OpenFds().Keys, k => k.StartsWith("anon_inode:bpf", StringComparison.Ordinal));
    }

    [Fact]
    public void EventsAreUnsupportedInTheKernel()
    {
        var e = Assert.Throws<TargetException>(() => KernelSyscallTracer.Start(
            TraceTestSupport.LaunchTarget("getppid", "1", "0"), new TraceOptions { CollectEvents = true }));
        Assert.Equal(TargetFailureReason.Unsupported, e.Reason);
        Assert.Contains("tracee's memory", e.Message, StringComparison.Ordinal);
        Assert.Contains("-Backend Ptrace", e.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void AChildOfThisProcessCanBeTracedInTheKernel()
    {
        // ptrace refuses a child of the tracing process (see PtraceRefusal.ChildOfHost); the kernel does not care.
        using var child = TargetProcess.Start("calls");
        var (result, _) = KernelTraceTestSupport.RunWhile(
            () => KernelSyscallTracer.Start(new TraceTarget.Process(child.Pid), new TraceOptions()),
            () => child.Command("calls 42 0"));
        Assert.Equal(42, KernelTraceTestSupport.Calls(result, "getppid"));
    }

    [Fact]
    public void AProgramTheVerifierRefusesIsUnsupportedWithTheVerifiersWords()
    {
        var a = new BpfAssembler();
        a.Mov(R0, R2); // r2 is not initialized at entry
        a.Exit();
        var rejected = Assert.Throws<BpfProgramRejectedException>(() => BpfProgram.LoadRawTracepoint("diag_bad", a.Build()));
        Assert.Equal(Errno.EACCES, rejected.Errno);
        Assert.Contains("R2 !read_ok", rejected.VerifierLog, StringComparison.Ordinal);

        var e = KernelTraceFailure.Diagnose(rejected, null);
        Assert.Equal(TargetFailureReason.Unsupported, e.Reason);
        Assert.Contains("diag_bad", e.Message, StringComparison.Ordinal);
        Assert.Contains("R2 !read_ok", e.Message, StringComparison.Ordinal);
        Assert.Contains("-Backend Ptrace", e.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void AutoPicksTheKernelForSummariesAndPtraceForEvents()
    {
        var kernel = SyscallTraceBackends.Start(TraceTestSupport.LaunchTarget("getppid", "5", "0"), new TraceOptions());
        using (kernel.Session)
        {
            Assert.Equal(TraceBackend.Kernel, kernel.Backend);
            Assert.Equal("kernel: root and raw tracepoints available", kernel.Reason);
            Assert.True(kernel.Session.Completion.Wait(TraceTestSupport.Patience));
            Assert.Equal(TraceBackend.Kernel, kernel.Session.Completion.Result.Backend);
        }

        var events = SyscallTraceBackends.Start(TraceTestSupport.LaunchTarget("getppid", "5", "0"), new TraceOptions { CollectEvents = true });
        using (events.Session)
        {
            Assert.Equal(TraceBackend.Ptrace, events.Backend);
            Assert.Equal("ptrace: events need the tracee's memory to decode arguments", events.Reason);
            var drained = TraceTestSupport.Drain(events.Session.Events);
            Assert.True(events.Session.Completion.Wait(TraceTestSupport.Patience));
            Assert.Equal(5, drained.Result.OfType<SyscallEvent>().Count(e => e.Syscall == "getppid"));
            Assert.All(events.Session.Completion.Result.Summary, r => Assert.Equal(TraceBackend.Ptrace, r.BackendValue));
        }

        Assert.Throws<TargetException>(() => SyscallTraceBackends.Start(
            TraceTestSupport.LaunchTarget("getppid", "5", "0"), new TraceOptions { CollectEvents = true }, TraceBackend.Kernel));
        var ptrace = SyscallTraceBackends.Start(TraceTestSupport.LaunchTarget("getppid", "5", "0"), new TraceOptions(), TraceBackend.Ptrace);
        using (ptrace.Session)
            Assert.Equal(TraceBackend.Ptrace, ptrace.Backend);
    }

    [Fact]
    public void AutoDoesNotHideAMissingTarget()
    {
        var e = Assert.Throws<TargetException>(() => SyscallTraceBackends.Start(new TraceTarget.Process(TraceTestSupport.UnusedPid()), new TraceOptions()));
        Assert.Equal(TargetFailureReason.NotFound, e.Reason);
    }

    private static HashSet<string> Children()
    {
        var children = new HashSet<string>();
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                children.UnionWith(File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries));
            }
            catch (IOException)
            {
                // the thread exited meanwhile
            }
        }
        return children;
    }

}
