using System.Globalization;
using Diag.Linux.Bpf;
using Diag.Linux.PacketDrops;
using static Diag.Linux.Tests.PacketDrops.DropWatchHarness;

namespace Diag.Linux.Tests.PacketDrops;

/// <summary>
/// Get-PacketDrop's engine on the real kernel, in network namespaces each test makes: packets dropped on purpose (a
/// closed port, a drop rule, a full conntrack table, a full accept queue) come back with the kernel's reason, the cause,
/// the 5-tuple and the namespace; a summary counts exactly what was sent; lost records are counted; nothing is left
/// attached afterwards. The tests share nf_conntrack_max and the kfree_skb tracepoint with each other: one at a time.
/// </summary>
[Collection(PacketDropCollection.Name)]
public sealed class DropWatchTests
{
    private static readonly int Cpus = PossibleCpus.Count;

    [RootFact]
    public void ClosedPortSynsAreNoSocketDropsWithTheirFlow()
    {
        using var network = PacketDropNetwork.Create("closed");
        const int syns = 3;
        var result = Watch(new DropFilter { NetworkNamespaces = [network.ServerInode], Ports = [8200] },
            new DropWatchSettings { Count = syns, Duration = Deadline },
            _ => PacketDropNetwork.Target(network.Client, "tcp-syn", PacketDropNetwork.ServerAddress, "8200", syns.ToString(CultureInfo.InvariantCulture)));

        var drops = result.Drops.ToList();
        Assert.Equal(syns, drops.Count);
        Assert.Equal(syns, drops.Select(d => d.SourcePort).Distinct().Count());
        foreach (var drop in drops)
        {
            Assert.Equal("NO_SOCKET", drop.Reason);
            Assert.Equal(PacketDropCause.ClosedPort, drop.CauseValue);
            Assert.Equal(DropCauseCertainty.Confirmed, drop.CauseCertaintyValue);
            Assert.Equal(IpProtocol.Tcp, drop.ProtocolValue);
            Assert.Equal(PacketFamily.IPv4, drop.FamilyValue);
            Assert.Equal(TcpFlags.Syn, drop.TcpFlagsValue);
            Assert.True(drop.SourceAddress!.Equals(PacketDropNetwork.ClientAddress));
            Assert.True(drop.DestinationAddress!.Equals(PacketDropNetwork.ServerAddress));
            Assert.Equal(8200, drop.DestinationPort);
            Assert.Equal($"{PacketDropNetwork.ClientAddress}:{drop.SourcePort} > {PacketDropNetwork.ServerAddress}:8200", drop.Flow);
            Assert.Equal(network.ServerInode, (uint)drop.NetworkNamespace);
            Assert.Equal(network.Server, drop.NetworkNamespaceName);
            Assert.Equal(PacketDropNetwork.ServerInterface, drop.Interface);
            Assert.StartsWith("tcp_v4_rcv+0x", drop.Location, StringComparison.Ordinal);
            Assert.Equal("tcp_v4_rcv", drop.Function);
            Assert.InRange(drop.Timestamp, DateTime.Now.AddMinutes(-2), DateTime.Now);
        }
        Assert.Empty(Leftovers(result));
    }

    [RootFact]
    public void ConntrackFullIsToldFromADropRuleInTheSameRun()
    {
        using var network = PacketDropNetwork.Create("ctfull");
        PacketDropNetwork.Nft(network.Server, """
            table inet diag_pd {
                chain pre { type filter hook prerouting priority 0; ct state new counter accept; }
                chain in { type filter hook input priority 0; tcp dport 8300 drop; }
            }
            """);
        network.StartTarget(network.Server, out _, "listen", PacketDropNetwork.ServerAddress, "8100", "4096");
        var probes = (Cpus + 1).ToString(CultureInfo.InvariantCulture); // one CPU sees two of them: the counter confirms the second
        var result = Watch(new DropFilter { NetworkNamespaces = [network.ServerInode], Ports = [8100, 8300] },
            new DropWatchSettings { Count = 2 * (Cpus + 1), Duration = Deadline },
            _ =>
            {
                // A drop rule's packets, while the table has room.
                PacketDropNetwork.Target(network.Client, "tcp-syn", PacketDropNetwork.ServerAddress, "8300", probes);
                // Four established connections fill a table whose limit is then four: a new SYN finds no room, and
                // conntrack evicts no established (assured) entry to make some.
                network.StartTarget(network.Client, out var connected, "tcp-data", PacketDropNetwork.ServerAddress, "8100", "4", "-1");
                Assert.Equal("CONNECTED 4", connected);
                var entries = long.Parse(PacketDropNetwork.Run(network.Server, "cat", "/proc/sys/net/netfilter/nf_conntrack_count").Trim(), CultureInfo.InvariantCulture);
                using (LoweredConntrackMax.To(entries))
                    PacketDropNetwork.Target(network.Client, "tcp-syn", PacketDropNetwork.ServerAddress, "8100", probes);
            });

        var rule = result.Drops.Where(d => d.DestinationPort == 8300).ToList();
        var full = result.Drops.Where(d => d.DestinationPort == 8100).ToList();
        Assert.Equal(Cpus + 1, rule.Count);
        Assert.Equal(Cpus + 1, full.Count);
        Assert.All(rule.Concat(full), d => Assert.Equal("NETFILTER_DROP", d.Reason));
        Assert.All(full, d => Assert.StartsWith("nf_hook_slow+0x", d.Location, StringComparison.Ordinal));
        Assert.All(rule, d =>
        {
            Assert.Equal(PacketDropCause.FirewallRule, d.CauseValue);
            Assert.Equal(ConntrackAttachment.Tracked, d.ConntrackValue);
        });
        Assert.Contains(rule, d => d.CauseCertaintyValue == DropCauseCertainty.Confirmed);
        Assert.All(full, d =>
        {
            Assert.Equal(PacketDropCause.ConntrackFull, d.CauseValue);
            Assert.Equal(ConntrackAttachment.None, d.ConntrackValue);
            Assert.Equal(IpProtocol.Tcp, d.ProtocolValue);
            Assert.Equal(TcpFlags.Syn, d.TcpFlagsValue);
            Assert.True(d.SourceAddress!.Equals(PacketDropNetwork.ClientAddress));
            Assert.True(d.DestinationAddress!.Equals(PacketDropNetwork.ServerAddress));
            Assert.NotEqual(0, d.SourcePort);
            Assert.Equal(network.ServerInode, (uint)d.NetworkNamespace);
            Assert.NotNull(d.CauseEvidence);
        });
        // The counter confirms at least one; the others were read against the table, full just after the drop.
        Assert.Contains(full, d => d.CauseCertaintyValue == DropCauseCertainty.Confirmed);
        Assert.All(full.Where(d => d.CauseCertaintyValue == DropCauseCertainty.Likely), d => Assert.True(d.ConntrackCount >= d.ConntrackMax, d.CauseEvidence));
        Assert.Empty(Leftovers(result));
    }

    [RootFact]
    public void AFullAcceptQueueIsAListenOverflow()
    {
        using var network = PacketDropNetwork.Create("accept");
        // The client's handshake ACKs never leave, so its three handshakes wait in the server's SYN queue; the listener's
        // backlog then drops to 0, and the client's first data segments complete the handshakes: the first finds room
        // in the accept queue, the two others find it full (TCP_LISTEN_OVERFLOW, Linux 6.15+).
        PacketDropNetwork.Nft(network.Client, """
            table inet diag_pd {
                chain out { type filter hook output priority 0; tcp dport 8400 tcp flags & (fin | syn | rst | psh | ack) == ack drop; }
            }
            """);
        var listener = network.StartTarget(network.Server, out _, "listen", PacketDropNetwork.ServerAddress, "8400", "16");
        var result = Watch(new DropFilter { NetworkNamespaces = [network.ServerInode], Ports = [8400] },
            new DropWatchSettings { Count = 2, Duration = Deadline },
            watch =>
            {
                var client = network.StartTarget(network.Client, out var connected, "tcp-data", PacketDropNetwork.ServerAddress, "8400", "3", "-1");
                Assert.Equal("CONNECTED 3", connected);
                Assert.Equal("BACKLOG 0", PacketDropNetwork.Tell(listener, "backlog 0"));
                Assert.Equal("SENT 3", PacketDropNetwork.Tell(client, "send"));
            });

        var drops = result.Drops.ToList();
        Assert.Equal(2, drops.Count);
        Assert.Equal(2, drops.Select(d => d.SourcePort).Distinct().Count());
        Assert.All(drops, d =>
        {
            Assert.Equal("TCP_LISTEN_OVERFLOW", d.Reason);
            Assert.Equal(PacketDropCause.AcceptQueueFull, d.CauseValue);
            Assert.Equal(DropCauseCertainty.Confirmed, d.CauseCertaintyValue);
            Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, d.TcpFlagsValue);
            Assert.Equal(8400, d.DestinationPort);
            Assert.Equal(network.ServerInode, (uint)d.NetworkNamespace);
        });
    }

    [RootFact]
    public void SummaryCountsExactlyThePacketsSent()
    {
        using var network = PacketDropNetwork.Create("summary");
        const int datagrams = 500;
        var result = Watch(new DropFilter { NetworkNamespaces = [network.ServerInode] },
            new DropWatchSettings { Summary = true, Duration = Deadline },
            watch =>
            {
                var before = PacketDropNetwork.SnmpCounter(network.Server, "Udp", "NoPorts");
                PacketDropNetwork.Target(network.Client, "udp-send", PacketDropNetwork.ServerAddress, "9", datagrams.ToString(CultureInfo.InvariantCulture));
                PacketDropNetwork.WaitForSnmp(network.Server, "Udp", "NoPorts", before + datagrams);
                watch.RequestStop();
            });

        var rows = result.Rows.Where(r => r.Reason == "NO_SOCKET").ToList();
        Assert.Equal(datagrams, rows.Sum(r => r.Count));
        Assert.All(rows, r => Assert.Equal(PacketDropCause.ClosedPort, r.CauseValue));
        Assert.All(rows, r => Assert.Equal(network.ServerInode, (uint)r.NetworkNamespace));
        Assert.All(rows, r => Assert.StartsWith("__udp4_lib_rcv", r.Location, StringComparison.Ordinal));
        Assert.Equal(datagrams, rows.Sum(r => r.LengthBytes) / 29); // 20 IP + 8 UDP + 1 byte each
        // The kernel's own counter over the same interval agrees.
        var noPorts = Assert.Single(result.Counters, c => c.Counter == "Udp:NoPorts" && c.NetworkNamespace == network.ServerInode);
        Assert.Equal(datagrams, noPorts.Increase);
        Assert.Empty(result.Warnings);
        Assert.Empty(Leftovers(result));
    }

    [RootFact]
    public void SummaryByFlowCountsEachFlow()
    {
        using var network = PacketDropNetwork.Create("byflow");
        var result = Watch(new DropFilter { NetworkNamespaces = [network.ServerInode], Protocols = [IpProtocol.Udp] },
            new DropWatchSettings { ByFlow = true, Stack = true, Duration = Deadline },
            watch =>
            {
                var before = PacketDropNetwork.SnmpCounter(network.Server, "Udp", "NoPorts");
                PacketDropNetwork.Target(network.Client, "udp-send", PacketDropNetwork.ServerAddress, "9", "7");
                PacketDropNetwork.Target(network.Client, "udp-send", PacketDropNetwork.ServerAddress, "19", "5");
                PacketDropNetwork.WaitForSnmp(network.Server, "Udp", "NoPorts", before + 12);
                watch.RequestStop();
            });

        // One row per flow and kernel stack: the same flow may be received on two paths (in the sender's softirq, or in
        // ksoftirqd), which are two stacks.
        var rows = result.Rows.ToList();
        Assert.Equal(7, rows.Where(r => r.DestinationPort == 9).Sum(r => r.Count));
        Assert.Equal(5, rows.Where(r => r.DestinationPort == 19).Sum(r => r.Count));
        Assert.Equal(2, rows.Select(r => r.Flow).Distinct().Count());
        Assert.All(rows, r =>
        {
            Assert.Equal(IpProtocol.Udp, r.ProtocolValue);
            Assert.True(r.SourceAddress!.Equals(PacketDropNetwork.ClientAddress));
            Assert.Equal(PacketDropNetwork.ServerInterface, r.Interface);
            // The stack goes from the function that freed the packet out to the receive path.
            Assert.Contains(r.KernelStack, f => f.StartsWith("__udp4_lib_rcv+0x", StringComparison.Ordinal));
            Assert.DoesNotContain(r.KernelStack, f => f.StartsWith("bpf_", StringComparison.Ordinal));
        });
    }

    [RootFact]
    public void KernelFiltersLetOnlyMatchingDropsThrough()
    {
        using var network = PacketDropNetwork.Create("filter");
        PacketDropNetwork.Ip("-n", network.Server, "addr", "add", "fd00:233::2/64", "dev", PacketDropNetwork.ServerInterface, "nodad");
        PacketDropNetwork.Ip("-n", network.Client, "addr", "add", "fd00:233::1/64", "dev", PacketDropNetwork.ClientInterface, "nodad");
        var filter = new DropFilter
        {
            Addresses = [AddressPrefix.Parse("fd00:233::/64")],
            Ports = [9],
            Protocols = [IpProtocol.Udp],
            Interfaces = ["pd-s*"],
        };
        var result = Watch(filter, new DropWatchSettings { Count = 4, Duration = Deadline }, _ =>
        {
            // Each of these fails one filter: the wrong family or address, port, protocol; then four that pass.
            PacketDropNetwork.Target(network.Client, "udp-send", PacketDropNetwork.ServerAddress, "9", "3");
            PacketDropNetwork.Target(network.Client, "udp-send", "fd00:233::2", "10", "3");
            PacketDropNetwork.Target(network.Client, "tcp-syn", "fd00:233::2", "9", "3");
            PacketDropNetwork.Target(network.Client, "udp-send", "fd00:233::2", "9", "4");
        });

        var drops = result.Drops.ToList();
        Assert.Equal(4, drops.Count);
        Assert.All(drops, d =>
        {
            Assert.Equal(PacketFamily.IPv6, d.FamilyValue);
            Assert.Equal(IpProtocol.Udp, d.ProtocolValue);
            Assert.Equal(9, d.DestinationPort);
            Assert.True(d.DestinationAddress!.Equals("fd00:233::2"));
            Assert.Equal($"[fd00:233::1]:{d.SourcePort} > [fd00:233::2]:9", d.Flow);
            Assert.Equal("NO_SOCKET", d.Reason);
            Assert.Equal(PacketDropNetwork.ServerInterface, d.Interface);
        });
    }

    [RootFact]
    public void RecordsTheRingBufferHadNoRoomForAreCountedAndSaid()
    {
        using var network = PacketDropNetwork.Create("lost");
        const int datagrams = 200;
        var result = Watch(new DropFilter { NetworkNamespaces = [network.ServerInode] },
            new DropWatchSettings { RingBufferSizeBytes = Environment.SystemPageSize, Duration = Deadline },
            watch =>
            {
                // Nothing is read while these are dropped: a one-page ring buffer holds a few dozen records.
                var before = PacketDropNetwork.SnmpCounter(network.Server, "Udp", "NoPorts");
                PacketDropNetwork.Target(network.Client, "udp-send", PacketDropNetwork.ServerAddress, "9", datagrams.ToString(CultureInfo.InvariantCulture));
                PacketDropNetwork.WaitForSnmp(network.Server, "Udp", "NoPorts", before + datagrams);
                watch.RequestStop();
            });

        var delivered = result.Drops.Count();
        var warning = Assert.Single(result.Warnings);
        var lost = long.Parse(warning.Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.True(delivered > 0 && lost > 0, $"{delivered} delivered, {lost} lost");
        Assert.Equal(datagrams, delivered + lost);
        Assert.Contains("not reported", warning, StringComparison.Ordinal);
        Assert.Empty(Leftovers(result));
    }

    [RootFact]
    public void StoppingEarlyDetachesEverything()
    {
        using var network = PacketDropNetwork.Create("early");
        using var watch = new DropWatch(new DropFilter { NetworkNamespaces = [network.ServerInode] }, new DropWatchSettings { Duration = Deadline });
        var result = new Result();
        foreach (var item in watch.Run())
        {
            if (result.Ids is null)
            {
                result.Ids = watch.Ids;
                PacketDropNetwork.Target(network.Client, "udp-send", PacketDropNetwork.ServerAddress, "9", "5");
            }
            if (item.Kind == DropWatchItemKind.Drop)
                break; // as Select-Object -First 1 ends the enumeration
        }
        Assert.Empty(Leftovers(result));
    }

    [RootFact]
    public void CancellingDetachesEverything()
    {
        using var network = PacketDropNetwork.Create("cancel");
        using var cancel = new CancellationTokenSource();
        using var watch = new DropWatch(new DropFilter(), new DropWatchSettings { Duration = Deadline });
        var result = new Result();
        foreach (var item in watch.Run(cancel.Token))
        {
            if (result.Ids is null)
            {
                result.Ids = watch.Ids;
                cancel.Cancel(); // as Ctrl+C does
            }
            result.Items.Add(item);
        }
        Assert.DoesNotContain(result.Items, i => i.Kind is DropWatchItemKind.Drop or DropWatchItemKind.Summary);
        Assert.Empty(Leftovers(result));
    }
}

[CollectionDefinition(Name)]
public sealed class PacketDropCollection
{
    public const string Name = "packet drops (one tracepoint, one nf_conntrack_max)";
}
