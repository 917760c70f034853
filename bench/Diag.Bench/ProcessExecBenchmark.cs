using System.Diagnostics;
using System.Globalization;
using Diag.Linux.ProcessEvents;

namespace Diag.Bench;

/// <summary>
/// Watch-ProcessExec's cost per fork + exec + exit, against an execsnoop-style bpftrace program, in one run: the test
/// target's exec-storm (vfork, execv of a 129-byte static program, waitpid, N times) untraced, under the engine in
/// events mode (every record read by this process) and in -Summary mode (counted in the kernel), and under bpftrace
/// printing each exec's pid, comm and argv as execsnoop does. -Summary's rows are checked against N: no lost event.
/// bpftrace needs tracefs: run the benchmark in a private mount namespace with it mounted, e.g.
///   unshare -m --propagation private sh -c 'mount -t tracefs nodev /sys/kernel/tracing &amp;&amp; exec dotnet ...'
/// Without it (or without bpftrace) its row is skipped.
/// </summary>
internal static class ProcessExecBenchmark
{
    public static int Run(string[] args)
    {
        var storm = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var target = Path.Combine(BenchTarget.RepoRoot(), "out", "test-target", "diag-test-target");
        var directory = Directory.CreateTempSubdirectory($"diag-bench-exec-{Environment.ProcessId}-").FullName;
        try
        {
            var tiny = Path.Combine(directory, "tiny");
            Run(target, ["tiny-elf", tiny]);
            Console.WriteLine($"exec-storm of {storm:N0} fork+exec+exit, best of {runs} runs (ns per fork+exec+exit):");
            double Best(Func<double> run) => Enumerable.Range(0, runs).Select(_ => run()).Min();

            var untraced = Best(() => Storm(target, storm, tiny));
            Console.WriteLine($"  {"untraced",-34} {untraced,9:N0}");

            var events = Best(() => UnderWatch(target, storm, tiny, ProcessWatchOutput.Events, out _));
            Console.WriteLine($"  {"Diag, events (all read)",-34} {events,9:N0}   +{events - untraced:N0}");

            long counted = 0;
            var summary = Best(() => UnderWatch(target, storm, tiny, ProcessWatchOutput.Summary, out counted));
            Console.WriteLine($"  {"Diag, -Summary (in the kernel)",-34} {summary,9:N0}   +{summary - untraced:N0}   execs counted {counted:N0} of {storm:N0}");

            if (!File.Exists("/sys/kernel/tracing/events/syscalls/sys_enter_execve/id"))
                Console.WriteLine("  bpftrace: skipped (tracefs is not mounted; see the header of ProcessExecBenchmark.cs)");
            else if (Which("bpftrace") is null)
                Console.WriteLine("  bpftrace: skipped (apt-get install bpftrace)");
            else
            {
                var bpftrace = Best(() => UnderBpftrace(target, storm, tiny));
                Console.WriteLine($"  {"bpftrace, execsnoop-style",-34} {bpftrace,9:N0}   +{bpftrace - untraced:N0}");
            }
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>ns per fork+exec+exit, as the target measures it.</summary>
    private static double Storm(string target, int storm, string tiny)
    {
        var output = Run(target, ["exec-storm", storm.ToString(CultureInfo.InvariantCulture), tiny]);
        var line = output.Split('\n').First(l => l.StartsWith("STORM ", StringComparison.Ordinal)).Split(' ');
        return double.Parse(line[2], CultureInfo.InvariantCulture) / storm;
    }

    private static double UnderWatch(string target, int storm, string tiny, ProcessWatchOutput output, out long execs)
    {
        using var watch = ProcessWatch.Start(new ProcessWatchOptions { Output = output, Source = ProcessEventSourceChoice.Kernel });
        long read = 0;
        var rows = new List<ProcessExecSummary>();
        var reader = new Thread(() =>
        {
            foreach (var item in watch.Run())
            {
                if (item.Kind == ProcessWatchItemKind.Event) read++;
                else if (item.Kind == ProcessWatchItemKind.Summary) rows.Add(item.Summary!);
            }
        });
        reader.Start();
        var result = Storm(target, storm, tiny);
        watch.RequestStop();
        reader.Join();
        execs = rows.Where(r => r.Path is { } p && p.EndsWith("/tiny", StringComparison.Ordinal)).Sum(r => r.Execs);
        return result;
    }

    private static double UnderBpftrace(string target, int storm, string tiny)
    {
        const string program = "tracepoint:syscalls:sys_enter_execve { printf(\"%d %s \", pid, comm); join(args.argv); } " +
                               "tracepoint:sched:sched_process_exit { @exits = count(); }";
        var info = new ProcessStartInfo("bpftrace", ["-e", program]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var bpftrace = Process.Start(info)!;
        // Attached when it says so; its output is drained (as a terminal would read it) so it never blocks.
        var attached = new TaskCompletionSource();
        bpftrace.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("Attaching", StringComparison.Ordinal) == true) attached.TrySetResult(); };
        bpftrace.BeginOutputReadLine();
        bpftrace.BeginErrorReadLine();
        attached.Task.Wait(TimeSpan.FromSeconds(60));
        var result = Storm(target, storm, tiny);
        bpftrace.Kill();
        bpftrace.WaitForExit();
        return result;
    }

    private static string Run(string file, string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}");
        return text;
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
