using System.Globalization;
using Diag.Linux.Syscalls;
using Diag.Linux.Tracing;

namespace Diag.Linux.Tests.Tracing;

/// <summary>Shared steps of the tracer tests: running a trace to its end, reading thread states.</summary>
internal static class TraceTestSupport
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static TraceTarget.Launch LaunchTarget(params string[] args) =>
        new(TargetProcess.ExecutablePath, args, null);

    /// <summary>Traces until the target exits; returns the result, every call and every notice.</summary>
    public static (TraceResult Result, List<SyscallEvent> Events, List<TraceNotice> Notices) RunToEnd(TraceTarget target, TraceOptions options)
    {
        var (result, events, notices) = RunToEndWithAllEvents(target, options);
        return (result, events.OfType<SyscallEvent>().ToList(), notices);
    }

    /// <summary>Traces until the target exits; returns the result, every event (calls, signals, exits) and notice.</summary>
    public static (TraceResult Result, List<TraceEvent> Events, List<TraceNotice> Notices) RunToEndWithAllEvents(TraceTarget target, TraceOptions options)
    {
        using var session = PtraceSyscallTracer.Start(target, options);
        var events = Drain(session.Events);
        var notices = Drain(session.Notices);
        Assert.True(session.Completion.Wait(Patience), "the trace did not end");
        return (session.Completion.Result, events.Result, notices.Result);
    }

    /// <summary>Traces for <paramref name="duration"/>, then stops.</summary>
    public static (TraceResult Result, List<SyscallEvent> Events, List<TraceNotice> Notices) RunFor(TraceTarget target, TraceOptions options, TimeSpan duration)
    {
        using var session = PtraceSyscallTracer.Start(target, options);
        var events = Drain(session.Events);
        var notices = Drain(session.Notices);
        Thread.Sleep(duration);
        session.Stop();
        Assert.True(session.Completion.Wait(Patience), "the trace did not end after Stop");
        return (session.Completion.Result, events.Result.OfType<SyscallEvent>().ToList(), notices.Result);
    }

    public static Task<List<T>> Drain<T>(System.Threading.Channels.ChannelReader<T> reader) => Task.Run(async () =>
    {
        var list = new List<T>();
        await foreach (var item in reader.ReadAllAsync())
            list.Add(item);
        return list;
    });

    public static int Number(string syscall) =>
        SyscallTable.TryGetNumber(syscall, out var number) ? number : throw new ArgumentException(syscall);

    public static SyscallSummary? Row(TraceResult result, string syscall) =>
        result.Summary.SingleOrDefault(s => s.Syscall == syscall);

    /// <summary>The state letter of each thread (R, S, D, t, T, ...), from /proc/PID/task/TID/stat.</summary>
    public static Dictionary<int, char> ThreadStates(int pid)
    {
        var states = new Dictionary<int, char>();
        foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                states[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] = stat[stat.LastIndexOf(')') + 2];
            }
            catch (IOException)
            {
                // the thread exited meanwhile
            }
        }
        return states;
    }

    /// <summary>No thread of the process is stopped (T) or in a trace stop (t), and none is traced.</summary>
    public static void AssertRunningAndUntraced(int pid)
    {
        // A thread that was just detached may need a moment to leave the stop it was detached in.
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (true)
        {
            var stopped = ThreadStates(pid).Where(s => s.Value is 't' or 'T').ToList();
            var tracer = TracerPid(pid);
            if (stopped.Count == 0 && tracer == 0)
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"process {pid}: stopped threads [{string.Join(", ", stopped)}], TracerPid {tracer}");
            Thread.Sleep(10);
        }
    }

    public static int UnusedPid() => ProcessState.UnusedPid();

    public static int TracerPid(int tid) => ProcessState.TracerPid(tid);

    /// <summary>Starts strace on a process or thread and waits until it has attached: the "already traced" peer.</summary>
    public static System.Diagnostics.Process AttachStrace(int pid)
    {
        var strace = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("strace", ["-p", pid.ToString(CultureInfo.InvariantCulture), "-o", "/dev/null"])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (TracerPid(pid) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "strace did not attach");
            Thread.Sleep(10);
        }
        return strace;
    }
}
