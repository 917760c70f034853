using System.Diagnostics;
using Diag.Linux.Syscalls;
using Diag.Linux.Tracing;
using TraceOptions = Diag.Linux.Tracing.TraceOptions;

namespace Diag.Bench;

/// <summary>
/// Trace-Syscall's summary mode against <c>strace -c -f</c> on a syscall-heavy loop
/// (<c>diag-test-target getppid N 0</c>: N getppid calls, two ptrace stops each), both as slowdowns
/// of the untraced run, in one run: wall time, median of RUNS runs of each, interleaved.
///   dotnet run -c Release --project bench/Diag.Bench -- syscall [CALLS] [RUNS]
/// Prefix with <c>taskset -c 0</c> to run tracer and tracee on one CPU (less scheduler noise).
/// </summary>
internal static class SyscallBenchmark
{
    public static int Run(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0]) : 200_000;
        var runs = args.Length > 1 ? int.Parse(args[1]) : 3;
        var target = Path.Combine(BenchTarget.RepoRoot(), "out", "test-target", "diag-test-target");
        if (!File.Exists(target))
            throw new FileNotFoundException("Build the test target first: dotnet build Diag.slnx", target);
        var workload = new[] { "getppid", calls.ToString(), "0" };

        // Warm-up: JIT of the tracer, page cache of the target and of strace.
        Untraced(target, ["getppid", "1000", "0"]);
        Strace(target, ["getppid", "1000", "0"]);
        Diag(target, ["getppid", "1000", "0"], 1000, out _);

        var untraced = new List<TimeSpan>();
        var strace = new List<TimeSpan>();
        var diag = new List<TimeSpan>();
        long allocated = 0;
        for (var i = 0; i < runs; i++)
        {
            untraced.Add(Untraced(target, workload));
            strace.Add(Strace(target, workload));
            diag.Add(Diag(target, workload, calls, out var bytes));
            allocated = bytes;
        }

        var u = Median(untraced);
        var s = Median(strace);
        var d = Median(diag);
        var command = $"{target} {string.Join(' ', workload)}";
        Console.WriteLine($"workload: {command}  ({calls} getppid calls, {2 * calls} ptrace stops traced); " +
                          $"{Environment.ProcessorCount} CPUs; kernel {Environment.OSVersion.Version}; median of {runs} runs each, interleaved");
        Console.WriteLine();
        Console.WriteLine($"| {"run",-46} | {"median wall",11} | {"runs (s)",-32} | {"slowdown",8} |");
        Console.WriteLine($"|{new string('-', 48)}|{new string('-', 13)}|{new string('-', 34)}|{new string('-', 10)}|");
        Row("untraced", u, untraced, u);
        Row("strace -c -f -o /dev/null", s, strace, u);
        Row("Diag PtraceSyscallTracer, Launch, summary", d, diag, u);
        Console.WriteLine();
        Console.WriteLine($"strace/untraced = {s / u:F1}x   diag/untraced = {d / u:F1}x   diag/strace = {d / s:F2} (target <= 1.0)");
        Console.WriteLine($"tracer allocations: {allocated / 1024.0:F0} KiB for the whole last trace ({(double)allocated / (2 * calls):F2} bytes per stop)");
        Console.WriteLine($"reproduce: dotnet run -c Release --project bench/Diag.Bench -- syscall {calls} {runs}");
        return 0;
    }

    private static void Row(string what, TimeSpan median, List<TimeSpan> all, TimeSpan baseline) =>
        Console.WriteLine($"| {what,-46} | {median.TotalSeconds,9:F3} s | {string.Join(" ", all.Select(t => t.TotalSeconds.ToString("F2"))),-32} | {median / baseline,7:F1}x |");

    private static TimeSpan Untraced(string target, string[] args) => TimeCommand(target, args);

    private static TimeSpan Strace(string target, string[] args) =>
        TimeCommand("strace", ["-c", "-f", "-o", "/dev/null", target, .. args]);

    private static TimeSpan Diag(string target, string[] args, int expectedCalls, out long allocatedBytes)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        using var session = PtraceSyscallTracer.Start(new TraceTarget.Launch(target, args, null), new TraceOptions());
        var result = session.Completion.GetAwaiter().GetResult();
        var elapsed = clock.Elapsed;
        allocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        var getppid = result.Summary.Single(r => r.Number == (SyscallTable.TryGetNumber("getppid", out var n) ? n : -1));
        if (getppid.Calls != expectedCalls || result.ExitCode != 0)
            throw new InvalidOperationException($"traced run counted {getppid.Calls} getppid calls, exit code {result.ExitCode}");
        return elapsed;
    }

    private static TimeSpan TimeCommand(string file, string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false })!;
        process.WaitForExit();
        var elapsed = clock.Elapsed;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}");
        return elapsed;
    }

    private static TimeSpan Median(List<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
