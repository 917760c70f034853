using System.Diagnostics;
using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing;

/// <summary>While a trace runs, the host's own child processes must keep their exit codes
/// (the tracer waits with __WNOTHREAD and never reaps them).</summary>
public sealed class HostChildProcessTests
{
    [Fact]
    public void ProcessStartedDuringATraceReportsItsExitCode()
    {
        using var target = SpawnedTarget.Start("progress");
        using var session = PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions());
        Thread.Sleep(100);
        for (var i = 0; i < 5; i++)
        {
            using var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "exit 3"]) { UseShellExecute = false })!;
            Assert.True(shell.WaitForExit(10_000));
            Assert.Equal(3, shell.ExitCode);
            Assert.Equal(2, TargetProcess.Run("no-such-mode"));
        }
        Assert.False(session.Completion.IsCompleted, "the trace is still running");
        session.Stop();
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
        Assert.True(TraceTestSupport.Row(session.Completion.Result, "getppid")!.Calls > 0);
    }

    [Fact]
    public void LaunchedCommandIsNotAProcessChildOfTheHostRuntime()
    {
        // The launched command is reaped by the tracer thread: its exit code comes from the trace.
        var (result, _, _) = TraceTestSupport.RunToEnd(
            new TraceTarget.Launch("/bin/sh", ["-c", "exit 7"], null), new TraceOptions());
        Assert.Equal(7, result.ExitCode);
        Assert.Equal(TraceEndReason.TargetExited, result.EndReason);
    }
}
