using System.Diagnostics;
using Diag.Linux.CoreDumps;
using Diag.Linux.Interop;

namespace Diag.Bench;

/// <summary>
/// Test-CoreDumpConfig's whole checklist for one process (target: under 50 ms without -Verify) against the manual
/// checklist it replaces, the commands a person types one after the other (cat of the limits and sysctls, stat and
/// df of the directory, the command line, a grep of the MySQL option files), each a process of its own; wall time,
/// median of RUNS, in one run. The first checklist of a fresh process (JIT included) is printed apart, and so is
/// one -Verify (a probe crash, its core found and deleted).
///   dotnet run -c Release --project bench/Diag.Bench -- coredump [RUNS]
/// </summary>
internal static unsafe class CoreDumpBenchmark
{
    public static int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0]) : 21;
        var directory = Directory.CreateTempSubdirectory("diag-bench-core-");
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory.FullName; // the target's directory: where a probe's core lands
        try
        {
            using var target = BenchTarget.Start("sleep");
            Environment.CurrentDirectory = previous;
            int pid = target.Pid;
            var limit = new Libc.ResourceLimit { Current = ulong.MaxValue, Maximum = ulong.MaxValue };
            if (Libc.PrLimit(pid, Libc.RLIMIT_CORE, &limit, null) != 0) Console.WriteLine("(could not raise the target's core limit: the probe will leave no core)");

            var first = Stopwatch.StartNew();
            var report = new CoreDumpInspector().InspectProcess(pid) ?? throw new InvalidOperationException("target gone");
            first.Stop();
            var checklist = Median(runs, () => new CoreDumpInspector().InspectProcess(pid));
            var system = Median(runs, () => new CoreDumpInspector().InspectSystem());
            var manual = Median(Math.Max(3, runs / 4), () => Manual(pid));

            var verify = Stopwatch.StartNew();
            var verified = new CoreDumpInspector().Verify(report, CancellationToken.None);
            verify.Stop();

            Console.WriteLine($"target: diag-test-target sleep, PID {pid}, {report.Checks.Count} checks, verdict {report.Verdict.Verdict}; " +
                              $"{Environment.ProcessorCount} CPUs; median of {runs} runs (manual: {Math.Max(3, runs / 4)})");
            Console.WriteLine($"{"Diag checklist, one process (first call in this process, JIT included)",-78} {Ms(first.Elapsed),10}");
            Console.WriteLine($"{"Diag checklist, one process (CoreDumpInspector.InspectProcess)",-78} {Ms(checklist),10}   target < 50 ms");
            Console.WriteLine($"{"Diag checklist, system-wide (CoreDumpInspector.InspectSystem)",-78} {Ms(system),10}");
            Console.WriteLine($"{"manual checklist: " + ManualCommands(pid).Count + " commands (cat, stat, df, grep), one process each",-78} {Ms(manual),10}");
            Console.WriteLine($"{"Diag -Verify: probe crash, core found and deleted (" + verified.Verdict.Verified + ")",-78} {Ms(verify.Elapsed),10}");
            Console.WriteLine($"ratio Diag/manual = {checklist / manual:F3}   ({manual / checklist:F0}x faster, and it also reads systemd, coredump.conf and the program's switches)");
            return 0;
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            directory.Delete(recursive: true);
        }
    }

    /// <summary>What a person types to run the same checklist by hand, each a process of its own.</summary>
    private static List<string[]> ManualCommands(int pid) =>
    [
        ["cat", $"/proc/{pid}/limits"],
        ["cat", "/proc/sys/kernel/core_pattern"],
        ["cat", "/proc/sys/kernel/core_uses_pid"],
        ["cat", "/proc/sys/fs/suid_dumpable"],
        ["cat", "/proc/sys/kernel/core_pipe_limit"],
        ["cat", $"/proc/{pid}/status"],
        ["stat", "-L", "-c", "%U %a %n", $"/proc/{pid}/cwd"],
        ["df", "-P", $"/proc/{pid}/cwd/"],
        ["cat", $"/proc/{pid}/cmdline"],
        ["cat", $"/proc/{pid}/coredump_filter"],
        ["cat", $"/proc/{pid}/cgroup"],
        ["grep", "-rs", "core-file", "/etc/mysql", "/etc/my.cnf"],
    ];

    private static void Manual(int pid)
    {
        foreach (var command in ManualCommands(pid))
        {
            var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in command.Skip(1)) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
        }
    }

    private static TimeSpan Median(int runs, Action action)
    {
        action(); // warm-up
        var times = new List<TimeSpan>();
        for (int i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F2} ms";
}
