using Diag.Linux.Conntrack;
using static Diag.Linux.Tests.Conntrack.ConntrackTestSupport;

namespace Diag.Linux.Tests.Conntrack;

/// <summary>
/// Test-ConntrackCapacity's engine on real tables: two network namespaces joined by a veth pair, connection tracking
/// switched on in the server's by an nftables rule, nf_conntrack_max lowered for the test and put back whatever
/// happens. The million-connection incident in small: connections to port 8100 until the table is full, then SYNs
/// that vanish.
/// </summary>
[Collection(ConntrackCollection.Name)]
public sealed class ConntrackCapacityTests
{
    private const int Max = 64;

    [Fact]
    public void AFullTableFailsTheCapacityCheckWithItsRemedyTheDropCounterAndTheKernelLogLine()
    {
        using var network = TestNetwork.Create("ctfull");
        network.TrackConnectionsInServer();
        network.Listen(8100);
        ulong inode = TestNetwork.InodeOf(network.Server);
        // nf_conntrack_max is read and put back under ConntrackLimit's machine-wide lock: read outside it, the value
        // may be another test run's lowered one (the Pester files lower it too).
        ConntrackReport report;
        using (ConntrackLimit.Lower(Max))
        {
            for (int i = 0; i < Max; i++) network.StartConnect(8100);
            WaitUntil(() => Count(network.Server) >= Max, "the server's table is full");
            // More connections: their SYNs are dropped, counted and logged (the log is rate-limited: wait for a line).
            using var load = new ConnectionLoad(network, 8100);
            WaitUntil(() => TableFullLines(inode) > 0, "the kernel logs 'table full' for the server's namespace");
            report = InspectOne(network.Server);
        }

        Assert.Equal("Dropping", report.Verdict);
        Assert.Equal(inode, report.NetworkNamespace);
        Assert.Equal(network.Server, report.Namespace);
        Assert.False(report.IsHostNamespace);
        Assert.Equal((Max, Max), (report.Entries, report.MaxEntries));
        Assert.Equal(100, report.UsePercent);

        var capacity = Check(report, "Capacity");
        Assert.Equal("Fail", capacity.Status);
        Assert.StartsWith($"{Max} of {Max} entries", capacity.Actual);
        Assert.Equal("sysctl -w net.netfilter.nf_conntrack_max=65536", capacity.Remedy);
        Assert.Contains("on the host", capacity.Message);

        var drops = Check(report, "TableFullDrops");
        Assert.Equal("Fail", drops.Status);
        var drop = report.Counters.Single(c => c.Name == "drop");
        Assert.True(drop.DuringSample > 0 && drop.Total >= drop.DuringSample, drop.ToString());
        Assert.True(report.DropsPerSecond > 0);
        Assert.Contains("TableFullDrops", report.Blockers);

        var log = Check(report, "KernelLog");
        Assert.Contains(log.Status, new[] { "Fail", "Warning" });
        Assert.True(report.TableFullMessageCount >= 1);
        Assert.All(report.TableFullMessages, m => Assert.Equal(inode, m.NetworkNamespace));
        Assert.Contains($"table full in netns {inode}", report.TableFullMessages[^1].Text);

        // What fills it: connections from the client to port 8100, and a NOTRACK rule for that port as the remedy.
        var port = report.TopDestinationPorts[0];
        Assert.Equal(("tcp/8100", "tcp", 8100, 100.0), (port.Name, port.Protocol, port.Port, port.Percent));
        Assert.Equal(TestNetwork.ClientAddress, report.TopSources[0].IPAddress!.Value);
        Assert.StartsWith("tcp ", report.TopStates[0].Name);
        var consumers = Check(report, "Consumers");
        Assert.Equal("Warning", consumers.Status);
        var rules = consumers.Remedy.Split('\n');
        Assert.Equal($"ip netns exec {network.Server} nft -f - <<'EOF'", rules[0]);
        Assert.Contains("add rule inet diag_notrack pre tcp dport 8100 notrack", rules);
        Assert.Contains("add rule inet diag_notrack out tcp sport 8100 notrack", rules);
        Assert.Equal("EOF", rules[^1]);
        // The block is what nft takes: check it (nft -c parses and validates without changing anything).
        Assert.Equal("", TestNetwork.Tool("ip", ["netns", "exec", network.Server, "nft", "-c", string.Join(' ', rules[1..^1].Select(r => r + ";"))]).Trim());
        var timeout = report.Timeouts.Single(t => t.State == report.TopStates[0].Name);
        Assert.StartsWith("net.netfilter.nf_conntrack_tcp_timeout_", timeout.Setting);
        Assert.Equal(Max, timeout.Entries);
    }

    [Fact]
    public void FiguresAgreeWithConntrackToolsAndWithTheTextFile()
    {
        using var network = TestNetwork.Create("ctfig");
        network.TrackConnectionsInServer();
        using var socket = network.UdpSocket(network.Client);
        ConntrackReport report;
        using (ConntrackLimit.Lower(16))
        {
            // 32 flows into a table of 16: 16 entries, 16 drops; then nothing moves.
            for (int port = 5000; port < 5032; port++) socket.SendTo("x"u8.ToArray(), new System.Net.IPEndPoint(System.Net.IPAddress.Parse(TestNetwork.ServerAddress), port));
            WaitUntil(() => ReadDrops(network.Server) >= 16, "16 datagrams are dropped");
            report = InspectOne(network.Server, 0.2);
        }
        Assert.Equal(16, report.Entries);
        Assert.Equal("16", TestNetwork.Run(network.Server, "conntrack", "-C").Trim());
        // conntrack -S: "cpu=0 found=0 invalid=0 … drop=16 …", one line per CPU.
        var tools = ConntrackToolCounters(TestNetwork.Run(network.Server, "conntrack", "-S"));
        foreach (var counter in report.Counters)
            Assert.True(tools[counter.Name] == counter.Total, $"{counter.Name}: conntrack -S {tools[counter.Name]}, Diag {counter.Total}");
        Assert.Equal(16UL, report.Counters.Single(c => c.Name == "drop").Total);
        Assert.Equal("ctnetlink", report.CounterSource);
        Assert.Equal("udp UNREPLIED", report.TopStates[0].Name);
        Assert.Equal(16, report.TopStates[0].Entries);
        Assert.Equal("net.netfilter.nf_conntrack_udp_timeout", report.Timeouts[0].Setting);

        // The text fallback reads the same drops from the namespace's own /proc/net/stat/nf_conntrack.
        Assert.Equal(16L, ReadDrops(network.Server));
    }

    [Fact]
    public void NamespacesAreFoundByNameInodePathAndProcess()
    {
        using var network = TestNetwork.Create("ctsel");
        ulong inode = TestNetwork.InodeOf(network.Server);
        using var sleeper = System.Diagnostics.Process.Start("ip", ["netns", "exec", network.Server, "sleep", "300"])!;
        try
        {
            WaitUntil(() => File.Exists($"/proc/{sleeper.Id}/ns/net") && new FileInfo($"/proc/{sleeper.Id}/ns/net").LinkTarget == $"net:[{inode}]",
                "ip netns exec has entered the namespace");
            foreach (var inspector in new[]
                     {
                         ConntrackInspector.ForNamespaces([network.Server], TimeSpan.FromMilliseconds(100)),
                         ConntrackInspector.ForNamespaces([inode.ToString()], TimeSpan.FromMilliseconds(100)),
                         ConntrackInspector.ForNamespaces([$"net:[{inode}]"], TimeSpan.FromMilliseconds(100)),
                         ConntrackInspector.ForNamespaces([$"/run/netns/{network.Server}"], TimeSpan.FromMilliseconds(100)),
                         ConntrackInspector.ForProcesses([sleeper.Id, sleeper.Id], TimeSpan.FromMilliseconds(100)),
                     })
            {
                var (reports, problems) = Inspect(inspector);
                Assert.Empty(problems);
                var report = Assert.Single(reports);
                Assert.Equal(inode, report.NetworkNamespace);
                // Nothing uses conntrack there: idle, with its one-sentence summary.
                Assert.Equal("Idle", report.Verdict);
            }
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }

        var (none, missing) = Inspect(ConntrackInspector.ForNamespaces(["diag-no-such-namespace", "4026531"], TimeSpan.FromMilliseconds(100)));
        Assert.Empty(none);
        Assert.Equal(new[] { "diag-no-such-namespace", "4026531" }, missing.Select(p => p.Target));
        Assert.All(missing, p => Assert.Equal(ConntrackProblemKind.NamespaceNotFound, p.Kind));
    }

    [Fact]
    public void EveryNamespaceIsCheckedByDefaultTheHostFirst()
    {
        using var network = TestNetwork.Create("ctall");
        var (reports, _) = Inspect(ConntrackInspector.ForAllNamespaces(TimeSpan.FromMilliseconds(100)));
        Assert.Contains(reports, r => r.NetworkNamespace == TestNetwork.InodeOf(network.Server));
        Assert.Contains(reports, r => r.NetworkNamespace == TestNetwork.InodeOf(network.Client));
        Assert.True(reports[0].IsHostNamespace, reports[0].ToString());
        Assert.Equal("host", reports[0].Namespace);
        Assert.All(reports, r => Assert.Equal(Enum.GetValues<ConntrackCheckName>().Select(n => n.ToString()), r.Checks.Select(c => c.Check)));
    }

    private static long ReadDrops(string ns) => TestNetwork.In(ns, () =>
    {
        var cpus = new List<Netlink.ConntrackCpuStatistics>();
        Assert.True(ConntrackStatText.TryParse(File.ReadAllBytes("/proc/thread-self/net/stat/nf_conntrack"), cpus, out _));
        return cpus.Sum(c => (long)c.Drop);
    });

    private static Dictionary<string, ulong> ConntrackToolCounters(string text)
    {
        var sums = new Dictionary<string, ulong>();
        foreach (var field in text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = field.Split('=');
            if (pair.Length != 2 || pair[0] == "cpu" || !ulong.TryParse(pair[1], out ulong value)) continue;
            string name = pair[0] == "chaintoolong" ? "chaintoolong" : pair[0];
            sums[name] = sums.GetValueOrDefault(name) + value;
        }
        return sums;
    }
}
