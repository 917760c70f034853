using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Tracing;
using Xunit.Abstractions;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing;

/// <summary>
/// Signals under the tracer: every one reaches the program as if untraced, and each is an event
/// (strace's <c>--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=..., si_uid=...} ---</c>).
/// </summary>
public sealed class SignalDeliveryTests
{
    private const int Signals = 50;
    private const int SIGUSR1 = 10;

    private readonly ITestOutputHelper _output;

    public SignalDeliveryTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// 50 SIGUSR1 sent 20 ms apart to a process whose main thread waits in read: strace -f and Diag, in
    /// one run, each see 50 deliveries and the program counts 50. A standard signal sent while another
    /// of its kind is still pending merges with it in the kernel, traced or not; the sender waits until
    /// the previous one has left the pending set (the thread took it) before the next, so that a
    /// missing signal can only be one the tracer did not hand back.
    /// </summary>
    [Fact]
    public void FiftySignalsReachTheProgramAndTheTraceUnderStraceAndUnderDiag()
    {
        var strace = UnderStrace();
        var diag = UnderDiag();
        _output.WriteLine($"strace -f: the program counted {strace.Received}, strace showed {strace.Shown}");
        _output.WriteLine($"Diag:      the program counted {diag.Received}, events {diag.Shown}");
        Assert.Equal((Signals, Signals), (strace.Received, strace.Shown));
        Assert.Equal((Signals, Signals), (diag.Received, diag.Shown));
    }

    private static (long Received, int Shown) UnderStrace()
    {
        using var target = SpawnedTarget.Start("signals");
        target.WaitUntilIdle();
        var log = Path.Combine(Path.GetTempPath(), $"diag-signals-{Environment.ProcessId}.strace");
        using var strace = Process.Start(new ProcessStartInfo("strace", ["-f", "-p", target.Pid.ToString(CultureInfo.InvariantCulture), "-o", log])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        try
        {
            WaitUntil(() => TraceTestSupport.TracerPid(target.Pid) != 0, "strace attached");
            Send(target.Pid);
            var received = target.Status()["received"];
            // SIGTERM: strace detaches and flushes its log (SIGKILL would lose what it buffered).
            Interop.Libc.Kill(strace.Id, 15);
            Assert.True(strace.WaitForExit(TraceTestSupport.Patience), "strace ended");
            return (received, File.ReadLines(log).Count(l => l.Contains("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER", StringComparison.Ordinal)));
        }
        finally
        {
            if (!strace.HasExited)
                strace.Kill();
            File.Delete(log);
        }
    }

    private static (long Received, int Shown) UnderDiag()
    {
        using var target = SpawnedTarget.Start("signals");
        target.WaitUntilIdle();
        using var session = PtraceSyscallTracer.Start(new TraceTarget.Process(target.Pid), new TraceOptions { CollectEvents = true });
        var events = TraceTestSupport.Drain(session.Events);
        Send(target.Pid);
        var received = target.Status()["received"];
        session.Stop();
        Assert.True(session.Completion.Wait(TraceTestSupport.Patience));
        Assert.True(events.Wait(TraceTestSupport.Patience));
        var signals = events.Result.OfType<SignalEvent>().Where(s => s.Signal == "SIGUSR1").ToList();
        Assert.All(signals, s =>
        {
            Assert.Equal(SIGUSR1, s.SignalNumber);
            Assert.Equal("SI_USER", s.Code);
            Assert.Equal(Environment.ProcessId, s.SenderProcessId);
            Assert.Equal(target.Pid, s.ProcessId);
            Assert.False(s.Stopped);
            Assert.Equal($"{{si_signo=SIGUSR1, si_code=SI_USER, si_pid={Environment.ProcessId}, si_uid={s.SenderUserId}}}", s.InfoText);
        });
        // The read each one interrupted is restarted, as strace shows: = ? ERESTARTSYS.
        Assert.Contains(events.Result.OfType<SyscallEvent>(), e => e.Syscall == "read" && e.Interrupted && e.Error == "ERESTARTSYS" && e.ReturnText == "?");
        TraceTestSupport.AssertRunningAndUntraced(target.Pid);
        return (received, signals.Count);
    }

    /// <summary>50 SIGUSR1, 20 ms apart, each once the previous one is no longer pending.</summary>
    private static void Send(int pid)
    {
        for (var i = 0; i < Signals; i++)
        {
            WaitUntil(() => !Pending(pid, SIGUSR1), "the previous SIGUSR1 was taken");
            Assert.Equal(0, Interop.Libc.Kill(pid, SIGUSR1));
            Thread.Sleep(20);
        }
        WaitUntil(() => !Pending(pid, SIGUSR1), "the last SIGUSR1 was taken");
    }

    /// <summary>The signal is in the thread's or the process's pending set (/proc/PID/status SigPnd, ShdPnd).</summary>
    private static bool Pending(int pid, int signal)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("SigPnd:", StringComparison.Ordinal) || line.StartsWith("ShdPnd:", StringComparison.Ordinal))
                if ((ulong.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (signal - 1))) != 0)
                    return true;
        return false;
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TraceTestSupport.Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            Thread.Sleep(1);
        }
    }
}
