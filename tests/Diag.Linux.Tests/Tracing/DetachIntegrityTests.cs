using Diag.Linux.Tracing;

namespace Diag.Linux.Tests.Tracing;

/// <summary>
/// The trace must leave its target exactly as it found it: not stopped, not traced, every signal
/// delivered, however the trace ends (Stop, Dispose without Stop as a stopped pipeline does, or often).
/// </summary>
public sealed class DetachIntegrityTests
{
    [Fact]
    public void HundredTracesInARowLeaveTheTargetRunning()
    {
        using var target = SpawnedTarget.Start("progress");
        var started = DateTime.UtcNow;
        for (var i = 0; i < 100; i++)
        {
            var session = PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions());
            Thread.Sleep(20 + i % 4 * 10);
            if (i % 2 == 0)
            {
                session.Stop();
                Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)), $"trace {i} did not end");
                session.Dispose();
            }
            else
            {
                session.Dispose(); // the cmdlet's pipeline was stopped: no Stop() first
                Assert.True(session.Completion.IsCompleted, $"Dispose of trace {i} returned before the detach");
            }
            Assert.Equal(TraceEndReason.Stopped, session.Completion.Result.EndReason);
        }
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "100 traces took " + (DateTime.UtcNow - started));

        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
        var before = target.Status();
        Thread.Sleep(200);
        var after = target.Status();
        Assert.True(after["iterations"] > before["iterations"], "the target kept making progress");
        // raise() returns only after the handler ran, so received can lead sent by one, never lag.
        Assert.True(after["received"] >= after["sent"], $"sent {after["sent"]}, received {after["received"]}: a SIGUSR1 was lost");
        Assert.True(after["maxgap_us"] < 5_000_000, $"the target was held up for {after["maxgap_us"]} µs");
    }

    [Fact]
    public void SignalsSentWhileTracedAreDelivered()
    {
        using var target = SpawnedTarget.Start("progress");
        var (result, _, _) = TraceTestSupport.RunFor(
            new TraceTarget.Process(target.Pid), new TraceOptions(), TimeSpan.FromSeconds(1));

        Assert.Contains(result.Summary, s => s.Syscall is "rt_sigreturn" or "tgkill");
        Assert.True(TraceTestSupport.Row(result, "getppid")!.Calls > 10);
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
        var status = target.Status();
        Assert.True(status["received"] >= status["sent"], $"sent {status["sent"]}, received {status["received"]}");
        Assert.True(status["sent"] > 10);
    }

    [Fact]
    public void ProcessStoppedBySigstopStaysStoppedAndResumesOnSigcont()
    {
        using var target = SpawnedTarget.Start("progress");
        using (var session = PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions()))
        {
            Thread.Sleep(50);
            Assert.Equal(0, Interop.Libc.Kill(target.Pid, 19)); // SIGSTOP, as Ctrl+Z or kill -STOP
            WaitFor(() => TraceTestSupport.ThreadStates(target.Pid).Values.All(s => s is 't' or 'T'), "the process to stop");
            session.Stop();
            Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
            // Detached but still stopped by the user's SIGSTOP: the trace must not have resumed it.
            Thread.Sleep(100);
            Assert.All(TraceTestSupport.ThreadStates(target.Pid).Values, s => Assert.Equal('T', s));
            Assert.Equal(0, TraceTestSupport.TracerPid(target.Pid));
        }
        Assert.Equal(0, Interop.Libc.Kill(target.Pid, 18)); // SIGCONT
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
        var before = target.Status()["iterations"];
        Thread.Sleep(100);
        Assert.True(target.Status()["iterations"] > before);
    }

    [Fact]
    public void SigstopAndSigcontWhileTracedStopAndResumeTheTarget()
    {
        using var target = SpawnedTarget.Start("progress");
        using var session = PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions());
        Thread.Sleep(50);
        Assert.Equal(0, Interop.Libc.Kill(target.Pid, 19));
        WaitFor(() => TraceTestSupport.ThreadStates(target.Pid).Values.All(s => s is 't' or 'T'), "the process to stop");
        Assert.Equal(0, Interop.Libc.Kill(target.Pid, 18));
        WaitFor(() => !TraceTestSupport.ThreadStates(target.Pid).Values.Any(s => s == 'T'), "the process to continue");
        var before = target.Status()["iterations"];
        Thread.Sleep(100);
        Assert.True(target.Status()["iterations"] > before, "the traced process resumed after SIGCONT");
        session.Stop();
        Assert.True(session.Completion.Wait(TimeSpan.FromSeconds(10)));
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            Thread.Sleep(10);
        }
    }
}
