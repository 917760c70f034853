using System.Diagnostics;
using Diag.Linux.Memory;

namespace Diag.Bench;

/// <summary>
/// Get-ProcessMemoryMap's engine against <c>pmap -X</c> in one run, on a process with MAPPINGS one-page mappings
/// (diag-test-target mappings N: alternately rw-p and r--p, which the kernel cannot merge) and on one with eight
/// glibc arenas (arenas-hold 8): the summary (-Summary: smaps and smaps_rollup read, every mapping classified, kinds
/// summed), every mapping as objects, and what the kernel alone spends writing smaps (read into a buffer, not parsed).
/// Median of RUNS interleaved runs; wall time is what a person waits, CPU time (user + system) what the machine pays.
/// </summary>
internal static class MemoryMapBenchmark
{
    public static int Run(string[] args)
    {
        int mappings = args.Length > 0 ? int.Parse(args[0]) : 10_000;
        int runs = args.Length > 1 ? int.Parse(args[1]) : 9;
        using var many = BenchTarget.Start("mappings", mappings.ToString());
        using var arenas = BenchTarget.Start("arenas-hold", "8", "2048");
        Console.WriteLine($"{Environment.ProcessorCount} CPUs, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; median of {runs} interleaved runs");
        foreach (var (target, what) in new[] { (many, $"{mappings} one-page mappings"), (arenas, "8 threads with their own glibc arena") })
        {
            using var reader = new MemoryMapReader();
            int count = reader.Read(target.Pid, "diag-test-target").Regions().Count;
            var summary = reader.Read(target.Pid, "diag-test-target").Summary()!.Value.Summary;
            for (int i = 0; i < 3; i++) { reader.Read(target.Pid, "x").Summary(); reader.Read(target.Pid, "x").Regions(); } // JIT tiering
            var costs = new Dictionary<string, List<Cost>>();
            for (int run = 0; run < runs; run++)
            {
                Add(costs, "Diag -Summary (smaps + smaps_rollup, classified, summed)", Measure(() => reader.Read(target.Pid, "x").Summary()));
                Add(costs, "Diag, every mapping as an object", Measure(() => reader.Read(target.Pid, "x").Regions()));
                Add(costs, "kernel alone: read /proc/PID/smaps into a buffer", Measure(() => ReadAll($"/proc/{target.Pid}/smaps")));
                Add(costs, "pmap -X PID", MeasureCommand("pmap", "-X", target.Pid.ToString()));
            }
            Console.WriteLine();
            Console.WriteLine($"{what}: {count} mappings, RSS {summary.RssBytes >> 10} KiB, {summary.ArenaCount} arenas");
            var pmap = Median(costs["pmap -X PID"]);
            foreach (var (name, list) in costs)
            {
                var m = Median(list);
                Console.WriteLine($"  {name,-58} wall {m.Wall.TotalMilliseconds,8:F1} ms  CPU {m.Cpu.TotalMilliseconds,8:F1} ms  pmap/this wall {pmap.Wall / m.Wall,5:F1}x");
            }
        }
        return 0;
    }

    private readonly record struct Cost(TimeSpan Wall, TimeSpan Cpu);

    private static void Add(Dictionary<string, List<Cost>> costs, string name, Cost cost)
    {
        if (!costs.TryGetValue(name, out var list)) costs[name] = list = new List<Cost>();
        list.Add(cost);
    }

    private static Cost Measure(Action action)
    {
        var cpu = CpuUsage.Self();
        var watch = Stopwatch.StartNew();
        action();
        return new Cost(watch.Elapsed, CpuUsage.Self() - cpu);
    }

    private static Cost MeasureCommand(string file, params string[] args)
    {
        var watch = Stopwatch.StartNew();
        var cpu = CpuUsage.OfCommand(file, args);
        return new Cost(watch.Elapsed, cpu);
    }

    private static void ReadAll(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        var buffer = new byte[256 * 1024];
        while (stream.Read(buffer, 0, buffer.Length) > 0) { }
    }

    private static Cost Median(List<Cost> costs) =>
        new(costs.Select(c => c.Wall).Order().ElementAt(costs.Count / 2), costs.Select(c => c.Cpu).Order().ElementAt(costs.Count / 2));
}
