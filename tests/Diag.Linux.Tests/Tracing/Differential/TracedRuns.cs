using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;
using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Linux.Tests.Tracing.Differential;

/// <summary>One command's trace by one tool: the lines of each thread, and the thread it started as.</summary>
internal sealed class ThreadLines
{
    public ThreadLines(int rootThreadId, int tracerProcessId, Dictionary<int, List<TraceLine>> byThread)
    {
        RootThreadId = rootThreadId;
        TracerProcessId = tracerProcessId;
        ByThread = byThread;
    }

    public int RootThreadId { get; }

    /// <summary>The root's parent: strace, or the process running Diag's engine.</summary>
    public int TracerProcessId { get; }

    public Dictionary<int, List<TraceLine>> ByThread { get; }

    /// <summary>The trace from the exec that ends setarch's own run: setarch starts with address
    /// randomisation on, so its calls (and the exec that leaves it, whose environment pointer is one of
    /// them) differ between any two runs.</summary>
    public ThreadLines WithoutLauncher()
    {
        if (!ByThread.TryGetValue(RootThreadId, out var root))
            return this;
        var execs = 0;
        for (var i = 0; i < root.Count; i++)
        {
            if (root[i].Kind == TraceLineKind.Call && root[i].Name == "execve" && root[i].Returned == "0" && ++execs == 2)
            {
                var trimmed = new Dictionary<int, List<TraceLine>>(ByThread) { [RootThreadId] = root.Skip(i + 1).ToList() };
                return new ThreadLines(RootThreadId, TracerProcessId, trimmed);
            }
        }
        return this;
    }
}

/// <summary>
/// Runs a command under <c>strace -f -ff</c> and under Diag's ptrace engine with events, in the same
/// directory, environment and kind of standard streams (pipes; stdin at end of file), and returns each
/// trace as strace-style lines per thread.
/// </summary>
internal static class TracedRuns
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static ThreadLines Strace(IReadOnlyList<string> command, string workingDirectory, string outputPrefix)
    {
        // Through env --default-signal: strace's child would otherwise inherit the SIGPIPE this test host
        // ignores, where Diag's launched command starts with every signal at its default.
        var info = new ProcessStartInfo("/usr/bin/env")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--default-signal", "strace", "-f", "-ff", "-o", outputPrefix, "--" }.Concat(command))
            info.ArgumentList.Add(a);
        using var strace = Process.Start(info)!;
        strace.StandardInput.Close();
        var output = strace.StandardOutput.ReadToEndAsync();
        var errors = strace.StandardError.ReadToEndAsync();
        if (!strace.WaitForExit(Patience))
        {
            strace.Kill(entireProcessTree: true);
            throw new TimeoutException("strace " + string.Join(' ', command) + " did not end");
        }
        Task.WaitAll(output, errors);

        var byThread = new Dictionary<int, List<TraceLine>>();
        var directory = Path.GetDirectoryName(outputPrefix)!;
        var name = Path.GetFileName(outputPrefix) + ".";
        foreach (var file in Directory.EnumerateFiles(directory, name + "*"))
        {
            if (!int.TryParse(Path.GetFileName(file)[name.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
                continue;
            byThread[tid] = File.ReadLines(file).Select(TraceLine.Parse).OfType<TraceLine>().ToList();
        }
        // The root is the one thread no other thread created.
        var created = byThread.Values.SelectMany(lines => lines)
            .Where(l => l.Kind == TraceLineKind.Call && l.Name is "clone" or "clone3" or "fork" or "vfork")
            .Select(l => int.TryParse(l.Returned.Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var child) ? child : 0)
            .ToHashSet();
        var root = byThread.Keys.Where(t => !created.Contains(t)).DefaultIfEmpty(byThread.Keys.Min()).Min();
        // The root's parent is strace, which env became.
        return new ThreadLines(root, strace.Id, byThread);
    }

    public static ThreadLines Diag(IReadOnlyList<string> command, string workingDirectory)
    {
        using var input = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.None);
        using var output = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
        using var errors = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
        var target = new TraceTarget.Launch(command[0], command.Skip(1).ToList(), workingDirectory)
        {
            StandardInputFd = (int)input.ClientSafePipeHandle.DangerousGetHandle(),
            StandardOutputFd = (int)output.ClientSafePipeHandle.DangerousGetHandle(),
            StandardErrorFd = (int)errors.ClientSafePipeHandle.DangerousGetHandle(),
        };
        var events = new List<TraceEvent>();
        int root;
        using (var session = PtraceSyscallTracer.Start(target, new TraceOptions { CollectEvents = true, FollowForks = true }))
        {
            // The command has its copies now: what is left here are the ends this process reads or closes.
            input.DisposeLocalCopyOfClientHandle();
            output.DisposeLocalCopyOfClientHandle();
            errors.DisposeLocalCopyOfClientHandle();
            input.Dispose();
            var drainOutput = output.CopyToAsync(Stream.Null);
            var drainErrors = errors.CopyToAsync(Stream.Null);
            var drained = TraceTestSupport.Drain(session.Events);
            if (!session.Completion.Wait(Patience))
                throw new TimeoutException("Diag " + string.Join(' ', command) + " did not end; still traced: " + StillTraced());
            events = drained.Result;
            root = session.LaunchedProcessId ?? 0;
            Task.WaitAll(drainOutput, drainErrors);
        }

        var byThread = new Dictionary<int, List<TraceLine>>();
        foreach (var e in events)
        {
            if (!byThread.TryGetValue(e.ThreadId, out var lines))
                byThread[e.ThreadId] = lines = new List<TraceLine>();
            lines.Add(ToLine(e));
        }
        return new ThreadLines(root, Environment.ProcessId, byThread);
    }

    /// <summary>The threads this process still traces, with their state and the call they are in.</summary>
    private static string StillTraced()
    {
        var text = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                foreach (var task in Directory.EnumerateDirectories(Path.Combine(dir, "task")))
                {
                    var status = File.ReadAllText(Path.Combine(task, "status"));
                    if (!status.Contains("TracerPid:\t" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n", StringComparison.Ordinal))
                        continue;
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var syscall = File.ReadAllText(Path.Combine(task, "syscall")).Trim();
                    text.Add($"{Path.GetFileName(task)} [{stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')]}] {stat[stat.LastIndexOf(')') + 2]} syscall {syscall}");
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return string.Join("; ", text);
    }

    /// <summary>An event as strace prints it (without the pid prefix).</summary>
    public static TraceLine ToLine(TraceEvent e)
    {
        switch (e)
        {
            case SyscallEvent call:
                var returned = call.ReturnText + (call.Error is null ? "" : " " + call.Error);
                return new TraceLine(TraceLineKind.Call, call.Syscall, call.ArgumentText, returned, $"{call.Syscall}({call.ArgumentText}) = {returned}");
            case SignalEvent { Stopped: true } stop:
                return new TraceLine(TraceLineKind.Signal, stop.Signal, "stopped", "", $"--- stopped by {stop.Signal} ---");
            case SignalEvent signal:
                return new TraceLine(TraceLineKind.Signal, signal.Signal, signal.InfoText, "", $"--- {signal.Signal} {signal.InfoText} ---");
            case ExitEvent exit:
                var how = exit.ExitCode is { } code
                    ? "exited with " + code.ToString(CultureInfo.InvariantCulture)
                    : "killed by " + exit.Signal + (exit.CoreDumped ? " (core dumped)" : "");
                return new TraceLine(TraceLineKind.Exit, "+++", how, "", "+++ " + how + " +++");
            default:
                throw new ArgumentException("unknown event " + e.GetType(), nameof(e));
        }
    }
}
