using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Diag.Linux.Neighbors;

namespace Diag.Linux.Tests.Neighbors;

/// <summary>
/// Get-NetNeighbor's engine on real neighbour tables, in two network namespaces joined by a veth pair: an address
/// nobody answers for is Incomplete, then Failed, while the table counts the failure and the discarded packets; the
/// server's address is Reachable with its real hardware address; everything agrees with ip neigh.
/// </summary>
public sealed class NeighborTests
{
    private const string Nobody = "10.231.0.99";

    [Fact]
    public void AnUnansweredAddressIsIncompleteThenFailedAndTheTableCountsIt()
    {
        using var network = TestNetwork.Create("nbfail");
        // Per-interface settings of the test's own namespace: 3 requests 2 s apart; a queue of one packet, so that the
        // next datagrams are discarded while it resolves.
        TestNetwork.Run(network.Client, "sysctl", "-q", "-w", $"net.ipv4.neigh.{TestNetwork.ClientInterface}.retrans_time_ms=2000");
        TestNetwork.Run(network.Client, "sysctl", "-q", "-w", $"net.ipv4.neigh.{TestNetwork.ClientInterface}.unres_qlen=1");
        var before = Statistics(network.Client);

        // A connect, as the application in the incident made: it waits while the address resolves.
        var connect = Task.Run(() => TestNetwork.In(network.Client, () =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Connect(IPAddress.Parse(Nobody), 80);
                return SocketError.Success;
            }
            catch (SocketException e)
            {
                return e.SocketErrorCode;
            }
        }));
        WaitUntil(() => Entry(network.Client, Nobody) is not null, "the connect's SYN starts resolution");
        using (var udp = network.UdpSocket(network.Client))
            for (int i = 0; i < 8; i++) udp.SendTo(new byte[200], new IPEndPoint(IPAddress.Parse(Nobody), 9));

        var resolving = Entry(network.Client, Nobody)!;
        Assert.Equal(("Incomplete", "Resolving", ""), (resolving.State, resolving.Diagnosis, resolving.LinkLayerAddress));
        Assert.Equal((TestNetwork.ClientInterface, "IPv4"), (resolving.InterfaceAlias, resolving.AddressFamily));
        Assert.Contains("of 3 ARP requests sent, 2 s apart", resolving.Message);
        Assert.Contains("'No route to host' if nothing answers within 6 s", resolving.Message);
        Assert.Equal($"sysctl -w net.ipv4.neigh.{TestNetwork.ClientInterface}.retrans_time_ms=200", resolving.Remedy);

        WaitUntil(() => Entry(network.Client, Nobody)?.State == "Failed", "resolution fails");
        var failed = Entry(network.Client, Nobody)!;
        Assert.Equal("Unresolved", failed.Diagnosis);
        Assert.Contains("connects fail with 'No route to host' (EHOSTUNREACH)", failed.Message);
        Assert.True(failed.Probes >= 3, $"probes {failed.Probes}");
        // What the diagnosis says is what the connect got.
        Assert.Equal(SocketError.HostUnreachable, connect.Result);

        var after = Statistics(network.Client);
        Assert.True(after.ResolutionFailures > before.ResolutionFailures, $"res_failed {before.ResolutionFailures} -> {after.ResolutionFailures}");
        Assert.True(after.UnresolvedDiscards > before.UnresolvedDiscards, $"unresolved_discards {before.UnresolvedDiscards} -> {after.UnresolvedDiscards}");
        var settings = after.Interfaces.Single(i => i.InterfaceAlias == TestNetwork.ClientInterface);
        Assert.Equal((TimeSpan.FromSeconds(2), 3, 1L), (settings.RetransmitTime, settings.MulticastProbes, settings.UnresolvedQueuePackets));
        Assert.Equal(TimeSpan.FromSeconds(6), settings.ResolutionTimeout);

        // -State filters, as Get-NetNeighbor -State Incomplete, Failed does.
        var unresolved = NeighborReader.Read(new NeighborQuery { NetworkNamespaces = [network.Client], States = [NeighborState.Incomplete, NeighborState.Failed] });
        Assert.Equal(Nobody, Assert.Single(unresolved.Neighbors).IPAddress.Value);
    }

    [Fact]
    public void AnAnsweringNeighbourIsReachableWithItsHardwareAddressAsIpNeighShowsIt()
    {
        using var network = TestNetwork.Create("nbok");
        using (var udp = network.UdpSocket(network.Client))
            udp.SendTo(new byte[1], new IPEndPoint(IPAddress.Parse(TestNetwork.ServerAddress), 9));
        WaitUntil(() => Entry(network.Client, TestNetwork.ServerAddress)?.State == "Reachable", "the server's address resolves");

        var server = Entry(network.Client, TestNetwork.ServerAddress)!;
        Assert.Equal(("Ok", TestNetwork.ClientInterface), (server.Diagnosis, server.InterfaceAlias));
        string mac = JsonDocument.Parse(TestNetwork.Ip("-j", "-n", network.Server, "link", "show", TestNetwork.ServerInterface))
            .RootElement[0].GetProperty("address").GetString()!;
        Assert.Equal(mac, server.LinkLayerAddress);
        Assert.NotNull(server.ConfirmedAge);
        Assert.Equal(TestNetwork.InodeOf(network.Client), server.NetworkNamespace);

        // ip neigh lists the same entries in the same states with the same addresses.
        var ip = JsonDocument.Parse(TestNetwork.Ip("-j", "-n", network.Client, "neigh", "show")).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("dst").GetString(), e.GetProperty("state")[0].GetString(), e.TryGetProperty("lladdr", out var l) ? l.GetString() : ""))
            .OrderBy(e => e.Item1).ToList();
        var mine = NeighborReader.Read(new NeighborQuery { NetworkNamespaces = [network.Client] }).Neighbors
            .Select(n => ((string?)n.IPAddress.Value, (string?)n.State.ToUpperInvariant(), (string?)n.LinkLayerAddress)).OrderBy(e => e.Item1).ToList();
        Assert.Equal(ip, mine);
    }

    [Fact]
    public void AnAddressBehindAGatewayIsAnsweredWithTheGatewaysEntry()
    {
        using var network = TestNetwork.Create("nbgw");
        TestNetwork.Ip("-n", network.Client, "route", "add", "10.99.0.0/16", "via", TestNetwork.ServerAddress);
        using (var udp = network.UdpSocket(network.Client))
            udp.SendTo(new byte[1], new IPEndPoint(IPAddress.Parse("10.99.1.1"), 9));
        WaitUntil(() => Entry(network.Client, TestNetwork.ServerAddress)?.State == "Reachable", "the gateway resolves");

        var reading = NeighborReader.Read(new NeighborQuery { NetworkNamespaces = [network.Client], Addresses = ["10.99.1.1"] });
        Assert.Empty(reading.Problems);
        var gateway = Assert.Single(reading.Neighbors);
        Assert.Equal((TestNetwork.ServerAddress, "10.99.1.1"), (gateway.IPAddress.Value, gateway.Destination!.Value));
        Assert.StartsWith($"Connections to 10.99.1.1 go through the gateway {TestNetwork.ServerAddress} on {TestNetwork.ClientInterface}.", gateway.Message);

        // An address on the link that nobody has sent to: no entry, and a word on what a connect would do.
        var none = NeighborReader.Read(new NeighborQuery { NetworkNamespaces = [network.Client], Addresses = ["10.231.0.77"] });
        Assert.Empty(none.Neighbors);
        var problem = Assert.Single(none.Problems);
        Assert.Equal(NeighborProblemKind.NoEntry, problem.Kind);
        Assert.Contains($"it is reached directly on {TestNetwork.ClientInterface}", problem.Detail);

        // Prefixes select as ip neigh show to 10.231.0.0/24 does.
        Assert.Single(NeighborReader.Read(new NeighborQuery { NetworkNamespaces = [network.Client], Addresses = ["10.231.0.0/24"] }).Neighbors);
        Assert.Empty(NeighborReader.Read(new NeighborQuery { NetworkNamespaces = [network.Client], Addresses = ["10.232.0.0/16"] }).Neighbors);
    }

    [Fact]
    public void AMissingNamespaceIsAProblemNotAnException()
    {
        var reading = NeighborReader.Read(new NeighborQuery { NetworkNamespaces = ["diag-no-such-namespace"] });
        Assert.Empty(reading.Neighbors);
        Assert.Equal(NeighborProblemKind.NamespaceNotFound, Assert.Single(reading.Problems).Kind);
    }

    private static NetNeighbor? Entry(string ns, string address) =>
        NeighborReader.Read(new NeighborQuery { NetworkNamespaces = [ns], Addresses = [address], States = Enum.GetValues<NeighborState>() })
            .Neighbors.SingleOrDefault(n => n.Destination is null);

    private static NeighborTableStatistics Statistics(string ns) =>
        NeighborReader.ReadStatistics(new NeighborQuery { NetworkNamespaces = [ns], AddressFamily = "IPv4" }).Tables.Single();

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail($"timed out waiting until {what}");
            Thread.Sleep(20);
        }
    }
}
