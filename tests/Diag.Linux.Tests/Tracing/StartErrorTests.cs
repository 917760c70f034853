using System.Diagnostics;
using Diag.Linux.Ptrace;
using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing;

/// <summary>A trace that cannot start says why and what to do, synchronously from Start.</summary>
public sealed class StartErrorTests
{
    [Fact]
    public void MissingProcessIsTargetNotFound()
    {
        var pid = TraceTestSupport.UnusedPid();
        var e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(new TraceTarget.Process(pid), new TraceOptions()));
        Assert.Equal(TargetFailureReason.NotFound, e.Reason);
        Assert.Equal(pid, e.ProcessId);
        Assert.Contains(pid.ToString(), e.Message, StringComparison.Ordinal);
        Assert.NotEmpty(e.Remedy);

        e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(new TraceTarget.Thread(pid), new TraceOptions()));
        Assert.Equal(TargetFailureReason.NotFound, e.Reason);
    }

    [Fact]
    public void ThreadIdGivenAsProcessIdIsTargetNotFoundWithAHint()
    {
        using var target = SpawnedTarget.Start("threads", "1", "0");
        var tid = target.Threads["futex-0"];
        var e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(new TraceTarget.Process(tid), new TraceOptions()));
        Assert.Equal(TargetFailureReason.NotFound, e.Reason);
        Assert.Contains("ThreadId", e.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void TargetTracedBySecondSessionIsAlreadyTracedNamingTheTracer()
    {
        using var target = SpawnedTarget.Start("sleep");
        using var first = PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions());
        var e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions()));
        Assert.Equal(TargetFailureReason.AlreadyTraced, e.Reason);
        Assert.Contains($"already traced by {Environment.ProcessId} (", e.Message, StringComparison.Ordinal);
        first.Stop();
        Assert.True(first.Completion.Wait(TimeSpan.FromSeconds(10)));
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
    }

    [Fact]
    public void TargetTracedByStraceIsAlreadyTracedNamingStrace()
    {
        // strace is installed on the development machines and by CI (.ci/run).
        using var target = SpawnedTarget.Start("sleep");
        using var strace = Process.Start(new ProcessStartInfo("strace", ["-p", target.Pid.ToString(), "-o", "/dev/null"])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (TraceTestSupport.TracerPid(target.Pid) == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "strace did not attach");
                Thread.Sleep(10);
            }
            var e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions()));
            Assert.Equal(TargetFailureReason.AlreadyTraced, e.Reason);
            Assert.Contains($"already traced by {strace.Id} (strace)", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            strace.Kill(); // SIGKILL: the kernel detaches strace's tracees
            strace.WaitForExit(5000);
        }
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
    }

    [Fact]
    public void ChildOfTheHostIsRefused()
    {
        using var child = TargetProcess.Start("sleep");
        var e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(new TraceTarget.Process(child.Pid), new TraceOptions()));
        Assert.Equal(TargetFailureReason.Unsupported, e.Reason);
        Assert.Contains("child of this process", e.Message, StringComparison.Ordinal);
        Assert.Contains("-FilePath", e.Remedy, StringComparison.Ordinal);
        Assert.Equal(0, TraceTestSupport.TracerPid(child.Pid));
    }

    [Fact]
    public void TracingTheHostItselfIsRefused()
    {
        var e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(new TraceTarget.Process(Environment.ProcessId), new TraceOptions()));
        Assert.Equal(TargetFailureReason.Unsupported, e.Reason);
    }

    [Fact]
    public void MissingCommandIsLaunchFailed()
    {
        var e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(
            new TraceTarget.Launch("/nonexistent/no-such-command", [], null), new TraceOptions()));
        Assert.Equal(TargetFailureReason.LaunchFailed, e.Reason);
        Assert.Equal(2, e.Errno); // ENOENT
        Assert.Contains("no such file", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(
            new TraceTarget.Launch("no-such-command-in-path", [], null), new TraceOptions()));
        Assert.Equal(TargetFailureReason.LaunchFailed, e.Reason);
    }

    [Fact]
    public void NonExecutableFileIsLaunchFailedFromExecve()
    {
        var file = Path.GetTempFileName(); // exists, mode 0600: execve fails with EACCES in the child
        try
        {
            var e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(
                new TraceTarget.Launch(file, [], null), new TraceOptions()));
            Assert.Equal(TargetFailureReason.LaunchFailed, e.Reason);
            Assert.Equal(13, e.Errno); // EACCES
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void MissingWorkingDirectoryIsLaunchFailed()
    {
        var e = Assert.Throws<TargetException>(() => PtraceSyscallTracer.Start(
            new TraceTarget.Launch(TargetProcess.ExecutablePath, ["getppid", "1", "0"], "/nonexistent/dir"), new TraceOptions()));
        Assert.Equal(TargetFailureReason.LaunchFailed, e.Reason);
        Assert.Contains("working directory", e.Message, StringComparison.Ordinal);
    }
}
