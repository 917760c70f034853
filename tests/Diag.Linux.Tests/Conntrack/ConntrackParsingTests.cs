using Diag.Linux.Conntrack;
using Diag.Linux.KernelLog;
using Diag.Linux.Netlink;

namespace Diag.Linux.Tests.Conntrack;

/// <summary>The text the kernel writes (kmsg records, /proc/net/stat/nf_conntrack) and the netlink attributes, parsed
/// from samples of what Linux 6.18 wrote.</summary>
public sealed class ConntrackParsingTests
{
    [Fact]
    public void AKmsgRecordGivesItsSequenceLevelTimeAndText()
    {
        var record = "4,393,3849482601,-;nf_conntrack: nf_conntrack: table full in netns 4026532239, dropping packet\n SUBSYSTEM=net\n"u8;
        Assert.True(KernelMessageReader.TryParse(record, out ulong sequence, out int priority, out var sinceBoot, out var text));
        Assert.Equal((393UL, 4, TimeSpan.FromTicks(38494826010)), (sequence, priority, sinceBoot));
        Assert.Equal("nf_conntrack: nf_conntrack: table full in netns 4026532239, dropping packet", System.Text.Encoding.UTF8.GetString(text));
        Assert.False(KernelMessageReader.TryParse("no prefix here"u8, out _, out _, out _, out _));
    }

    [Theory]
    [InlineData("nf_conntrack: nf_conntrack: table full in netns 4026532239, dropping packet", 4026532239UL)]
    [InlineData("nf_conntrack: nf_conntrack: table full, dropping packet", null)]
    [InlineData("nf_conntrack: table full in netns , dropping packet", null)]
    public void TheNamespaceOfATableFullLineIsReadWhenTheKernelNamesIt(string line, ulong? inode) =>
        Assert.Equal(inode, TableFullLog.NamespaceOf(line));

    [Fact]
    public void TheStatFileIsReadByColumnName()
    {
        const string text =
            "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart\n" +
            "00000032  00000003 00000010 00000000 00000002 00000000 00000000 00000001 00000000 00000004 00000033 00000005 00000006  00000000 00000000 00000000 00000007\n" +
            "00000032  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001 00000000 00000000  00000000 00000000 00000000 00000000\n";
        var cpus = new List<ConntrackCpuStatistics>();
        Assert.True(ConntrackStatText.TryParse(System.Text.Encoding.ASCII.GetBytes(text), cpus, out long entries));
        Assert.Equal(50, entries);
        Assert.Equal(2, cpus.Count);
        var c = cpus[0];
        Assert.Equal((3u, 16u, 2u, 1u, 4u, 0x33u, 5u, 6u, 7u), (c.ClashResolve, c.Found, c.Invalid, c.ChainTooLong, c.InsertFailed, c.Drop, c.EarlyDrop, c.Error, c.SearchRestart));
        Assert.Equal(1u, cpus[1].Drop);
    }

    [Fact]
    public void CountersGrowAcross32BitWraps()
    {
        var before = new List<ConntrackCpuStatistics> { new() { Cpu = 0, Drop = 0xFFFFFFF0 }, new() { Cpu = 1, Drop = 5 } };
        var after = new List<ConntrackCpuStatistics> { new() { Cpu = 0, Drop = 0x10 }, new() { Cpu = 1, Drop = 7 } };
        var drop = ConntrackCounters.Compare(before, after, TimeSpan.FromSeconds(2)).Single(c => c.Name == "drop");
        Assert.Equal((0x10UL + 7, 0x20UL + 2, 17.0), (drop.Total, drop.DuringSample, drop.PerSecond));
    }

    [Fact]
    public void AConntrackEntryIsParsedFromItsAttributes()
    {
        // CTA_TUPLE_ORIG { CTA_TUPLE_IP { V4_SRC 10.0.0.1, V4_DST 10.0.0.2 }, CTA_TUPLE_PROTO { NUM 6, SRC 40000, DST 8100 } },
        // CTA_STATUS IPS_SEEN_REPLY|IPS_ASSURED, CTA_TIMEOUT 431999, CTA_PROTOINFO { TCP { STATE ESTABLISHED } }
        Span<byte> buffer = stackalloc byte[256];
        var request = new NetlinkRequest(buffer, 0, 0);
        int orig = request.BeginNested(1);
        int ip = request.BeginNested(1);
        request.AddAttribute(1, [10, 0, 0, 1]);
        request.AddAttribute(2, [10, 0, 0, 2]);
        request.EndNested(ip);
        int proto = request.BeginNested(2);
        request.AddAttribute(1, [6]);
        request.AddAttribute(2, [0x9c, 0x40]);
        request.AddAttribute(3, [0x1f, 0xa4]);
        request.EndNested(proto);
        request.EndNested(orig);
        request.AddAttribute(3, [0, 0, 0, 6]);
        request.AddAttribute(7, [0, 6, 0x97, 0x7f]);
        int info = request.BeginNested(4);
        int tcp = request.BeginNested(1);
        request.AddAttribute(1, [3]);
        request.EndNested(tcp);
        request.EndNested(info);
        var message = request.Finish(1);

        var flow = ConntrackNetlink.Parse(ConntrackFlow.AF_INET, message[NetlinkMessage.HeaderSize..]);
        Assert.Equal((ConntrackFlow.IPPROTO_TCP, (ushort)40000, (ushort)8100, (byte)3, 431999u), (flow.Protocol, flow.SourcePort, flow.DestinationPort, flow.TcpState, flow.TimeoutSeconds));
        Assert.Equal(new byte[] { 10, 0, 0, 1 }, ConntrackNetlink.AddressBytes(flow.Family, flow.Source));
        Assert.True(flow.IsAssured);
        Assert.False(flow.IsUnreplied);
        Assert.Equal("tcp ESTABLISHED", ConntrackStates.NameOf(ConntrackStates.KeyOf(flow)));
        Assert.Equal("nf_conntrack_tcp_timeout_established", ConntrackStates.TimeoutOf(ConntrackStates.KeyOf(flow)));

        // A truncated attribute ends the walk; what came before it is still read.
        var truncated = message[NetlinkMessage.HeaderSize..^3];
        var partial = ConntrackNetlink.Parse(ConntrackFlow.AF_INET, truncated);
        Assert.Equal((ushort)8100, partial.DestinationPort);
    }
}
