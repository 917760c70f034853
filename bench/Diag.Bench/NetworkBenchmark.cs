using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Diag.Linux.Conntrack;
using Diag.Linux.Neighbors;
using Diag.TestSupport;

namespace Diag.Bench;

/// <summary>
/// Test-ConntrackCapacity and Get-NetNeighbor against the tools they replace, in one run, in network namespaces made
/// for it (tests/Shared/TestNetwork):
/// <list type="bullet">
/// <item>conntrack: a server namespace whose table holds ENTRIES UDP flows (nf_conntrack_udp_timeout raised in that
/// namespace so that none expires meanwhile) and has dropped some for a full table once; one Test-ConntrackCapacity
/// report (counters twice, the dump tallied, the kernel log) against <c>conntrack -C</c>, <c>conntrack -S</c> and
/// <c>conntrack -L</c> run in the namespace, with the figures compared;</item>
/// <item>neighbours: a client namespace with NEIGHBORS permanent entries; Get-NetNeighbor (entries, then -Statistics)
/// against <c>ip neigh show</c> and <c>ip -s ntable show</c>.</item>
/// </list>
/// Median of RUNS; CPU time is this process's (Diag) or the reaped children's (the tools, with ip netns exec).
/// </summary>
internal static class NetworkBenchmark
{
    public static int Run(string[] args)
    {
        int entries = args.Length > 0 ? int.Parse(args[0]) : 100_000;
        int neighbors = args.Length > 1 ? int.Parse(args[1]) : 500;
        int runs = args.Length > 2 ? int.Parse(args[2]) : 5;
        using var network = TestNetwork.Create("bench");
        Console.WriteLine($"{Environment.ProcessorCount} CPUs, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, median of {runs} runs");
        Conntrack(network, entries, runs);
        Neighbors(network, neighbors, runs);
        return 0;
    }

    private static void Conntrack(TestNetwork network, int entries, int runs)
    {
        network.TrackConnectionsInServer();
        TestNetwork.Run(network.Server, "sysctl", "-q", "-w", "net.netfilter.nf_conntrack_udp_timeout=3600");
        using (ConntrackLimit.Lower(entries))
        {
            // ENTRIES flows, then 1000 more that find the table full (drops, and "table full" lines): one socket (one
            // source port) per 60,000 destination ports.
            var server = IPAddress.Parse(TestNetwork.ServerAddress);
            const int PortsPerSocket = 60_000;
            for (int sent = 0; sent < entries + 1000;)
            {
                var udp = network.UdpSocket(network.Client);
                for (int port = 1; port <= PortsPerSocket && sent < entries + 1000; port++, sent++)
                    udp.SendTo("x"u8, new IPEndPoint(server, port));
            }
        }
        Console.WriteLine();
        Console.WriteLine($"conntrack: {Count(network)} entries in the server's table (conntrack -C)");

        var inspector = ConntrackInspector.ForNamespaces([network.Server], TimeSpan.FromMilliseconds(1));
        ConntrackReport? report = null;
        for (int i = 0; i < 2; i++) report = Inspect(inspector); // JIT tiering is not what a check costs
        var diag = Median(runs, () => Measure(() => report = Inspect(inspector)));
        var count = Median(runs, () => Tool(network.Server, "conntrack", "-C"));
        var stats = Median(runs, () => Tool(network.Server, "conntrack", "-S"));
        var list = Median(runs, () => Tool(network.Server, "conntrack", "-L"));
        Print("Test-ConntrackCapacity (counters twice, dump tallied, kmsg)", diag);
        Print("conntrack -C", count);
        Print("conntrack -S", stats);
        Print("conntrack -L (to /dev/null: no sort | uniq -c)", list);
        Console.WriteLine($"Diag/(conntrack -C + -S + -L): wall {diag.Wall / (count.Wall + stats.Wall + list.Wall):F2}, CPU {diag.Cpu / (count.Cpu + stats.Cpu + list.Cpu):F2}");

        long toolCount = long.Parse(TestNetwork.Run(network.Server, "conntrack", "-C").Trim());
        var toolStats = Regex.Matches(TestNetwork.Run(network.Server, "conntrack", "-S"), @"(\w+)=(\d+)")
            .Where(m => m.Groups[1].Value != "cpu").GroupBy(m => m.Groups[1].Value).ToDictionary(g => g.Key, g => g.Aggregate(0UL, (sum, m) => sum + ulong.Parse(m.Groups[2].Value)));
        Console.WriteLine($"figures: entries Diag {report!.Entries}, conntrack -C {toolCount}; " +
                          string.Join(", ", report.Counters.Where(c => c.Total > 0 || toolStats.GetValueOrDefault(c.Name) > 0)
                              .Select(c => $"{c.Name} Diag {c.Total} / conntrack -S {toolStats.GetValueOrDefault(c.Name)}")));
        Console.WriteLine($"verdict {report.Verdict}: {report.Summary}");
    }

    private static ConntrackReport Inspect(ConntrackInspector inspector) =>
        inspector.Run(CancellationToken.None).Select(i => i.Report).OfType<ConntrackReport>().Single();

    private static long Count(TestNetwork network) => long.Parse(TestNetwork.Run(network.Server, "conntrack", "-C").Trim());

    private static void Neighbors(TestNetwork network, int neighbors, int runs)
    {
        var batch = Path.Combine(Path.GetTempPath(), $"diag-bench-neigh-{Environment.ProcessId}");
        File.WriteAllLines(batch, Enumerable.Range(0, neighbors).Select(i =>
            $"neigh add 10.231.{1 + i / 250}.{1 + i % 250} lladdr 02:00:00:00:{i / 256:x2}:{i % 256:x2} dev {TestNetwork.ClientInterface} nud permanent"));
        TestNetwork.Ip("-n", network.Client, "route", "add", "10.231.0.0/16", "dev", TestNetwork.ClientInterface);
        TestNetwork.Ip("-n", network.Client, "-batch", batch);
        File.Delete(batch);

        var query = new NeighborQuery { NetworkNamespaces = [network.Client] };
        int found = 0, tables = 0;
        for (int i = 0; i < 2; i++) { found = NeighborReader.Read(query).Neighbors.Count; tables = NeighborReader.ReadStatistics(query).Tables.Count; }
        var diag = Median(runs, () => Measure(() => found = NeighborReader.Read(query).Neighbors.Count));
        var diagStats = Median(runs, () => Measure(() => tables = NeighborReader.ReadStatistics(query).Tables.Count));
        var ip = Median(runs, () => Tool(network.Client, "ip", "neigh", "show"));
        var ipStats = Median(runs, () => Tool(network.Client, "ip", "-s", "ntable", "show"));
        int ipLines = TestNetwork.Ip("-n", network.Client, "neigh", "show").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Console.WriteLine();
        Console.WriteLine($"neighbours: {found} entries from Diag, {ipLines} lines from ip neigh show; {tables} tables");
        Print("Get-NetNeighbor (entries, diagnosed)", diag);
        Print("ip netns exec NS ip neigh show", ip);
        Print("Get-NetNeighbor -Statistics", diagStats);
        Print("ip netns exec NS ip -s ntable show", ipStats);
        Console.WriteLine($"Diag/ip: entries wall {diag.Wall / ip.Wall:F2}, CPU {diag.Cpu / ip.Cpu:F2}; statistics wall {diagStats.Wall / ipStats.Wall:F2}, CPU {diagStats.Cpu / ipStats.Cpu:F2}");
    }

    private readonly record struct Cost(TimeSpan Wall, TimeSpan Cpu);

    private static Cost Measure(Action action)
    {
        var cpu = CpuUsage.Self();
        var watch = Stopwatch.StartNew();
        action();
        return new Cost(watch.Elapsed, CpuUsage.Self() - cpu);
    }

    /// <summary>A tool run in the namespace, its output read and dropped.</summary>
    private static Cost Tool(string ns, params string[] command)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", ns }.Concat(command)) info.ArgumentList.Add(a);
        var cpu = CpuUsage.Children();
        var watch = Stopwatch.StartNew();
        using var p = Process.Start(info)!;
        var errors = p.StandardError.ReadToEndAsync();
        var buffer = new char[65536];
        while (p.StandardOutput.Read(buffer, 0, buffer.Length) > 0) { }
        p.WaitForExit();
        errors.Wait();
        return new Cost(watch.Elapsed, CpuUsage.Children() - cpu);
    }

    private static Cost Median(int runs, Func<Cost> measure)
    {
        var costs = Enumerable.Range(0, runs).Select(_ => measure()).ToList();
        return new Cost(costs.Select(c => c.Wall).Order().ElementAt(runs / 2), costs.Select(c => c.Cpu).Order().ElementAt(runs / 2));
    }

    private static void Print(string what, Cost cost) =>
        Console.WriteLine($"{what,-62} wall {cost.Wall.TotalMilliseconds,9:F1} ms   CPU {cost.Cpu.TotalMilliseconds,9:F1} ms");
}
