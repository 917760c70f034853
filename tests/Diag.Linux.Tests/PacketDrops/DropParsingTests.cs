using System.Net;
using Diag.Linux.PacketDrops;

namespace Diag.Linux.Tests.PacketDrops;

/// <summary>The pieces of Get-PacketDrop that need no kernel program: filters as the user types them, the kernel's
/// text files as they read, and the causes told from what the program reports.</summary>
public sealed class DropParsingTests
{
    [Theory]
    [InlineData("192.168.2.120", "192.168.2.120", 32)]
    [InlineData("10.1.2.3/8", "10.0.0.0", 8)]
    [InlineData(" 2001:db8::1/33 ", "2001:db8::", 33)]
    [InlineData("::ffff:10.0.0.9", "10.0.0.9", 32)]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0)]
    public void AddressPrefixesParseAsCidr(string text, string network, int length)
    {
        var prefix = AddressPrefix.Parse(text);
        Assert.Equal(IPAddress.Parse(network), prefix.Network);
        Assert.Equal(length, prefix.Length);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.2", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("2001:db8::/33", "2001:db8:7fff::1", true)]
    [InlineData("2001:db8::/33", "2001:db8:8000::1", false)]
    [InlineData("10.0.0.0/8", "2001:db8::1", false)]
    [InlineData("192.168.2.120", "192.168.2.120", true)]
    public void AddressPrefixesContainWhatTheySay(string prefix, string address, bool inside) =>
        Assert.Equal(inside, AddressPrefix.Parse(prefix).Contains(IPAddress.Parse(address)));

    [Theory]
    [InlineData("192.168.2")]
    [InlineData("10.0.0.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("nginx")]
    public void AddressPrefixesRefuseWhatIsNotOne(string text) =>
        Assert.Contains(text.Trim(), Assert.Throws<FormatException>(() => AddressPrefix.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void InterfaceNamesCompareTheirNulUnlessAPrefix()
    {
        var exact = InterfaceMatch.Parse("eth0");
        Assert.Equal([0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0], exact.Mask[..8]);
        var prefix = InterfaceMatch.Parse("veth*");
        Assert.Equal([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], prefix.Mask[..8]);
        Assert.Throws<ArgumentException>(() => InterfaceMatch.Parse("a-name-far-too-long"));
        Assert.Throws<ArgumentException>(() => InterfaceMatch.Parse("e*th"));
    }

    [Fact]
    public void ConntrackStatisticsReadAsTheKernelWritesThem()
    {
        const string text = """
            entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
            00000004  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001 0000000a 00000002 00000000  00000000 00000000 00000000 00000000
            00000004  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000005 00000000 00000000  00000000 00000000 00000000 00000000
            """;
        var state = ConntrackTable.Parse(text, 4, DateTime.Now)!;
        Assert.Equal(4, state.Count);
        Assert.Equal(15, state.Drops);
        Assert.Equal(2, state.EarlyDrops);
        Assert.Equal(1, state.InsertFailures);
        Assert.True(state.IsFull);
        Assert.False(ConntrackTable.Parse(text, 5, DateTime.Now)!.IsFull);
        Assert.Null(ConntrackTable.Parse("", 5, DateTime.Now));
    }

    [Fact]
    public void SnmpPairsReadByGroupAndName()
    {
        var values = new Dictionary<string, long>();
        KernelDropCounters.ParsePairs("""
            Udp: InDatagrams NoPorts InErrors
            Udp: 10 500 0
            TcpExt: SyncookiesSent ListenOverflows
            TcpExt: 0 104
            """, values);
        Assert.Equal(500, values["Udp:NoPorts"]);
        Assert.Equal(104, values["TcpExt:ListenOverflows"]);
        Assert.Equal(4, values.Count - 1); // InDatagrams, NoPorts, InErrors, SyncookiesSent, ListenOverflows
    }

    [Fact]
    public void EveryKnownCounterSaysWhatItComparesWith() =>
        Assert.All(KernelDropCounters.Known, k => Assert.False(string.IsNullOrWhiteSpace(k.ComparesWith)));

    [Theory]
    // The counter's word settles it.
    [InlineData(ConntrackAttachment.None, ConntrackEvidence.Rose, 4L, PacketDropCause.ConntrackFull, DropCauseCertainty.Confirmed)]
    [InlineData(ConntrackAttachment.Tracked, ConntrackEvidence.Rose, 4L, PacketDropCause.ConntrackInsertFailed, DropCauseCertainty.Confirmed)]
    [InlineData(ConntrackAttachment.None, ConntrackEvidence.Unchanged, 4L, PacketDropCause.FirewallRule, DropCauseCertainty.Confirmed)]
    [InlineData(ConntrackAttachment.Tracked, ConntrackEvidence.Unchanged, 1L, PacketDropCause.FirewallRule, DropCauseCertainty.Confirmed)]
    // Without it, the table's fill: full means conntrack, room means a rule.
    [InlineData(ConntrackAttachment.None, ConntrackEvidence.Unknown, 4L, PacketDropCause.ConntrackFull, DropCauseCertainty.Likely)]
    [InlineData(ConntrackAttachment.None, ConntrackEvidence.Unknown, 1L, PacketDropCause.FirewallRule, DropCauseCertainty.Likely)]
    [InlineData(ConntrackAttachment.Tracked, ConntrackEvidence.Unknown, 4L, PacketDropCause.FirewallRule, DropCauseCertainty.Likely)]
    [InlineData(ConntrackAttachment.Untracked, ConntrackEvidence.Unknown, 4L, PacketDropCause.FirewallRule, DropCauseCertainty.Likely)]
    internal void NetfilterDropsAreToldApart(ConntrackAttachment attachment, ConntrackEvidence evidence, long count, PacketDropCause cause, DropCauseCertainty certainty)
    {
        var table = new ConntrackTableState(count, 4, 0, 0, 0, DateTime.Now);
        var verdict = DropCauseClassifier.Classify("NETFILTER_DROP", "nf_hook_slow", attachment, evidence, 4026532000, 8100, IpProtocol.Tcp, () => table);
        Assert.Equal(cause, verdict.Cause);
        Assert.Equal(certainty, verdict.Certainty);
        Assert.False(string.IsNullOrEmpty(verdict.Evidence));
    }

    [Fact]
    public void AnNftablesVerdictIsARuleWhateverTheTable()
    {
        var full = new ConntrackTableState(4, 4, 0, 0, 0, DateTime.Now);
        var verdict = DropCauseClassifier.Classify("NETFILTER_DROP", "nft_do_chain", ConntrackAttachment.None, ConntrackEvidence.Unknown, 1, 80, IpProtocol.Tcp, () => full);
        Assert.Equal((PacketDropCause.FirewallRule, DropCauseCertainty.Confirmed), (verdict.Cause, verdict.Certainty));
    }

    [Fact]
    public void WithoutTheTableANetfilterDropIsNotGuessed()
    {
        var verdict = DropCauseClassifier.Classify("NETFILTER_DROP", "nf_hook_slow", ConntrackAttachment.None, ConntrackEvidence.Unknown, 1, 80, IpProtocol.Tcp, () => null);
        Assert.Equal((PacketDropCause.Unclassified, DropCauseCertainty.Unknown), (verdict.Cause, verdict.Certainty));
    }

    [Theory]
    [InlineData("NO_SOCKET", PacketDropCause.ClosedPort)]
    [InlineData("TCP_LISTEN_OVERFLOW", PacketDropCause.AcceptQueueFull)]
    [InlineData("SOCKET_BACKLOG", PacketDropCause.SocketBacklogFull)]
    [InlineData("SOCKET_RCVBUFF", PacketDropCause.ReceiveBufferFull)]
    [InlineData("NEIGH_FAILED", PacketDropCause.NeighborUnresolved)]
    [InlineData("NEIGH_QUEUEFULL", PacketDropCause.NeighborUnresolved)]
    [InlineData("NEIGH_CREATEFAIL", PacketDropCause.NeighborTableFull)]
    [InlineData("CPU_BACKLOG", PacketDropCause.CpuBacklogFull)]
    [InlineData("TCP_CSUM", PacketDropCause.BadChecksum)]
    [InlineData("OTHERHOST", PacketDropCause.Unclassified)]
    public void ReasonsNameTheirCause(string reason, PacketDropCause cause) =>
        Assert.Equal(cause, DropCauseClassifier.Classify(reason, "f", ConntrackAttachment.NotRead, ConntrackEvidence.Unknown, 1, 80, IpProtocol.Tcp, () => null).Cause);

    [Fact]
    public void EveryCauseTheClassifierNamesIsReachableFromAReasonThisKernelHas()
    {
        // The names matched above are the running kernel's (read from its BTF), not Diag's own spelling.
        var reasons = DropReasons.Running();
        Assert.True(reasons.Available);
        foreach (var name in new[] { "NETFILTER_DROP", "NO_SOCKET", "TCP_LISTEN_OVERFLOW", "SOCKET_BACKLOG", "SOCKET_RCVBUFF", "NEIGH_FAILED", "NEIGH_CREATEFAIL", "CPU_BACKLOG", "TCP_CSUM" })
            Assert.NotNull(reasons.ValueOf(name));
        Assert.Equal("NETFILTER_DROP", reasons.NameOf(reasons.ValueOf("SKB_DROP_REASON_NETFILTER_DROP")!.Value));
        Assert.Equal(reasons.ValueOf("netfilter_drop"), reasons.ValueOf("NETFILTER_DROP"));
        Assert.DoesNotContain("MAX", reasons.Names);
    }
}
