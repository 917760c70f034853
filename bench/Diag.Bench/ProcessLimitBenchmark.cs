using System.Diagnostics;
using Diag.Linux.Limits;

namespace Diag.Bench;

/// <summary>
/// Get-ProcessLimit's engine against prlimit in one run: one process's sixteen limits (Diag with every use measured
/// and every source found, against <c>prlimit --pid PID</c>), and every process of the machine (-All against one
/// <c>prlimit --pid</c> per process, as a shell loop over /proc does; prlimit cannot read another user's limits
/// without CAP_SYS_RESOURCE, which is counted). Median of RUNS interleaved runs.
/// </summary>
internal static class ProcessLimitBenchmark
{
    public static int Run(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0]) : 5;
        using var worker = BenchTarget.Start("nofile-fill", "90", "1000");
        var pids = Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!)).ToList();
        Console.WriteLine($"{Environment.ProcessorCount} CPUs, {pids.Count} processes, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; median of {runs} interleaved runs");
        for (int i = 0; i < 3; i++) { using var r = new ProcessLimitReader(); r.Read(worker.Pid, ""); r.ReadAll(CancellationToken.None, null, out _); }

        var one = new List<Cost>();
        var onePrlimit = new List<Cost>();
        var all = new List<Cost>();
        var allPrlimit = new List<Cost>();
        int refused = 0, rows = 0;
        for (int run = 0; run < runs; run++)
        {
            one.Add(Measure(() => { using var r = new ProcessLimitReader(); r.Read(worker.Pid, ""); }));
            onePrlimit.Add(MeasureCommands([worker.Pid], out _));
            all.Add(Measure(() => { using var r = new ProcessLimitReader(); rows = r.ReadAll(CancellationToken.None, null, out _).Count; }));
            allPrlimit.Add(MeasureCommands(pids, out refused));
        }
        Print("Diag, one process (16 limits, uses, sources)", Median(one), Median(onePrlimit));
        Print("prlimit --pid PID", Median(onePrlimit), Median(onePrlimit));
        Print($"Diag -All ({rows} limits in use, sorted)", Median(all), Median(allPrlimit));
        Print($"prlimit --pid per process ({refused} of {pids.Count} refused)", Median(allPrlimit), Median(allPrlimit));
        return 0;
    }

    private readonly record struct Cost(TimeSpan Wall, TimeSpan Cpu);

    private static Cost Measure(Action action)
    {
        var cpu = CpuUsage.Self();
        var watch = Stopwatch.StartNew();
        action();
        return new Cost(watch.Elapsed, CpuUsage.Self() - cpu);
    }

    private static Cost MeasureCommands(IEnumerable<int> pids, out int refused)
    {
        refused = 0;
        var watch = Stopwatch.StartNew();
        var before = CpuUsage.Children();
        foreach (int pid in pids)
        {
            var info = new ProcessStartInfo("prlimit") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("--pid");
            info.ArgumentList.Add(pid.ToString());
            using var p = Process.Start(info)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) refused++;
        }
        return new Cost(watch.Elapsed, CpuUsage.Children() - before);
    }

    private static Cost Median(List<Cost> costs) =>
        new(costs.Select(c => c.Wall).Order().ElementAt(costs.Count / 2), costs.Select(c => c.Cpu).Order().ElementAt(costs.Count / 2));

    private static void Print(string what, Cost cost, Cost baseline) =>
        Console.WriteLine($"{what,-56} wall {cost.Wall.TotalMilliseconds,8:F1} ms  CPU {cost.Cpu.TotalMilliseconds,8:F1} ms  prlimit/this wall {baseline.Wall / cost.Wall,6:F1}x");
}
