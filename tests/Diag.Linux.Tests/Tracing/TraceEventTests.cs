using System.Globalization;
using Diag.Linux.Syscalls;
using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing;

/// <summary>What a trace with events shows besides the calls, on real commands: signals, stops, exits,
/// interrupted calls, and inputs as the program passed them.</summary>
public sealed class TraceEventTests
{
    private static readonly TraceOptions Events = new() { CollectEvents = true, FollowForks = true };

    [Fact]
    public void ExitsAreEventsWithTheStatusOrTheSignal()
    {
        // A shell that starts a child which exits 3, then kills itself with SIGTERM.
        var (result, events, _) = TraceTestSupport.RunToEndWithAllEvents(
            new TraceTarget.Launch("/bin/sh", ["-c", "/bin/sh -c 'exit 3'; kill -TERM $$"], null), Events);

        var exits = events.OfType<ExitEvent>().ToList();
        var child = Assert.Single(exits, e => e.ProcessId != result.ProcessId);
        Assert.Equal(3, child.ExitCode);
        Assert.Null(child.Signal);
        Assert.Equal("+++ exited with 3 +++", child.ToString()[(child.ToString().IndexOf(']') + 2)..]);

        var shell = Assert.Single(exits, e => e.ProcessId == result.ProcessId);
        Assert.Null(shell.ExitCode);
        Assert.Equal("SIGTERM", shell.Signal);
        Assert.Equal(15, shell.SignalNumber);
        Assert.False(shell.CoreDumped);
        Assert.Equal($"[pid {result.ProcessId}] +++ killed by SIGTERM +++", shell.ToString());
        Assert.Same(exits[^1], events[^1]); // the last thing the trace shows, as strace

        // The shell's SIGCHLD for its child, with the child's pid and status.
        var sigchld = Assert.Single(events.OfType<SignalEvent>(), s => s.Signal == "SIGCHLD");
        Assert.Equal("CLD_EXITED", sigchld.Code);
        Assert.Equal(child.ProcessId, sigchld.SenderProcessId);
        Assert.Equal(3, sigchld.ChildStatus);
        Assert.StartsWith($"{{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid={child.ProcessId}, si_uid=", sigchld.InfoText, StringComparison.Ordinal);
        Assert.Contains(", si_status=3, si_utime=", sigchld.InfoText, StringComparison.Ordinal);
        // The SIGTERM the shell sent itself comes as a delivery before the end.
        Assert.Contains(events.OfType<SignalEvent>(), s => s.Signal == "SIGTERM" && s.Code == "SI_USER" && s.SenderProcessId == result.ProcessId);
    }

    /// <summary>The seed-004 way of following memory: a sleep stopped and continued shows the interrupted
    /// call, the stop and the call the kernel resumes, as strace prints them.</summary>
    [Fact]
    public void AStoppedSleepShowsTheInterruptionTheStopAndTheResumedCall()
    {
        using var session = PtraceSyscallTracer.Start(new TraceTarget.Launch("sleep", ["2"], null), Events);
        var pid = session.LaunchedProcessId!.Value;
        var events = new List<TraceEvent>();
        // Each step waits for the event of the one before: a SIGCONT sent while the SIGSTOP is still being
        // delivered (the thread is in a trace stop either way) would cancel the stop.
        WaitUntil(() => InCall(pid, "clock_nanosleep"), "sleep blocks in clock_nanosleep");
        Assert.Equal(0, Interop.Libc.Kill(pid, 19)); // SIGSTOP
        ReadUntil(session, events, e => e is SignalEvent { Stopped: true });
        Assert.Equal(0, Interop.Libc.Kill(pid, 18)); // SIGCONT
        Assert.True(session.Completion.Wait(TraceTestSupport.Patience));
        ReadUntil(session, events, _ => false);

        var interrupted = Assert.Single(events.OfType<SyscallEvent>(), e => e.Syscall == "clock_nanosleep" && e.Interrupted);
        Assert.Equal("ERESTART_RESTARTBLOCK", interrupted.Error);
        Assert.Equal("?", interrupted.ReturnText);
        Assert.Equal(-516, interrupted.ReturnValue);
        // What was asked, and (only because the sleep was interrupted) the time the kernel says was left.
        Assert.Matches(@"^CLOCK_REALTIME, 0, \{tv_sec=2, tv_nsec=0\}, \{tv_sec=[01], tv_nsec=\d+\}$", interrupted.ArgumentText);
        Assert.EndsWith("= ? ERESTART_RESTARTBLOCK", interrupted.ToString(), StringComparison.Ordinal);

        var order = events.Select(Describe).ToList();
        var at = order.IndexOf("clock_nanosleep interrupted");
        Assert.True(at >= 0 && order.Skip(at).Take(5).SequenceEqual(
            ["clock_nanosleep interrupted", "--- SIGSTOP", "--- stopped by SIGSTOP", "--- SIGCONT", "restart_syscall"]),
            string.Join(", ", order.Skip(Math.Max(0, at)).Take(6)));
        var resumed = Assert.Single(events.OfType<SyscallEvent>(), e => e.Syscall == "restart_syscall");
        Assert.Equal("<... resuming interrupted clock_nanosleep ...>", resumed.ArgumentText);
        Assert.Equal("0", resumed.ReturnText);
        var stop = Assert.Single(events.OfType<SignalEvent>(), s => s.Stopped);
        Assert.Equal("SIGSTOP", stop.Signal);
        Assert.Equal($"[pid {pid}] --- stopped by SIGSTOP ---", stop.ToString());
    }

    /// <summary>Timeouts are read when the call enters the kernel, which rewrites them with the time left:
    /// a 50 ms select that expires shows 50 ms, not 0.</summary>
    [Fact]
    public void InputsAreShownAsTheProgramPassedThem()
    {
        var (_, events, _) = TraceTestSupport.RunToEnd(new TraceTarget.Launch("/usr/bin/python3",
            ["-c", "import select, socket; select.select([], [], [], 0.05); a, b = socket.socketpair(); a.getsockname()"], null),
            Events with { Syscalls = SyscallTable.Resolve(["pselect6", "getsockname"]).ToHashSet() });
        var select = Assert.Single(events, e => e.Syscall == "pselect6");
        Assert.Equal("0, NULL, NULL, NULL, {tv_sec=0, tv_nsec=50000000}, NULL", select.ArgumentText);
        Assert.Equal("0 (Timeout)", select.ReturnText);
        // The length offered and the length the kernel returned (Python asks for the names of a socketpair's ends).
        Assert.Contains(events, e => e.Syscall == "getsockname" && e.ArgumentText.EndsWith(", {sa_family=AF_UNIX}, [128 => 2]", StringComparison.Ordinal));
    }

    [Fact]
    public void ACallThatNeverReturnsIsNotReportedAsNoCallAtAll()
    {
        using var run = new SyscallTraceRun([TraceTestSupport.LaunchTarget("getppid", "1", "0")],
            new TraceOptions { CollectEvents = true, Syscalls = SyscallTable.Resolve(["exit_group"]).ToHashSet() },
            new TraceRunSettings { Backend = TraceBackend.Ptrace, LaunchStreams = LaunchStreamSettings.CaptureAll });
        var items = run.Run().ToList();
        var exitGroup = Assert.Single(items, i => i.Kind == TraceRunItemKind.Event && i.Event is SyscallEvent { Syscall: "exit_group" });
        Assert.Equal("exit_group(0) = ?", ((SyscallEvent)exitGroup.Event!).ToString()[(((SyscallEvent)exitGroup.Event!).ToString().IndexOf(']') + 2)..]);
        var finished = Assert.Single(items, i => i.Kind == TraceRunItemKind.Finished);
        Assert.Empty(finished.Result!.Summary);
        Assert.Equal(1, finished.Result.UnfinishedCalls);
        Assert.Null(finished.Message); // not "made no system call matching -Syscall"
        Assert.Contains(items, i => i.Kind == TraceRunItemKind.Event && i.Event is ExitEvent { ExitCode: 0 });
    }

    /// <summary>Reads events into <paramref name="events"/> until one matches (or the trace ends).</summary>
    private static void ReadUntil(ISyscallTraceSession session, List<TraceEvent> events, Func<TraceEvent, bool> until)
    {
        var deadline = DateTime.UtcNow + TraceTestSupport.Patience;
        while (true)
        {
            while (session.Events.TryRead(out var e))
            {
                events.Add(e);
                if (until(e))
                    return;
            }
            if (session.Events.Completion.IsCompleted)
                return;
            Assert.True(DateTime.UtcNow < deadline, "timed out reading events");
            session.Events.WaitToReadAsync().AsTask().Wait(TimeSpan.FromMilliseconds(50));
        }
    }

    private static string Describe(TraceEvent e) => e switch
    {
        SyscallEvent { Interrupted: true } call => call.Syscall + " interrupted",
        SyscallEvent call => call.Syscall,
        SignalEvent { Stopped: true } stop => "--- stopped by " + stop.Signal,
        SignalEvent signal => "--- " + signal.Signal,
        _ => "+++",
    };

    /// <summary>The thread is blocked in <paramref name="syscall"/> (its number first in /proc/PID/syscall).</summary>
    private static bool InCall(int pid, string syscall)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/syscall").Split(' ');
            return int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                && SyscallTable.GetName(number) == syscall;
        }
        catch (IOException)
        {
            return false;
        }
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
