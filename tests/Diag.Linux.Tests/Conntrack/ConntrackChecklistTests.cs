using Diag.Linux.Conntrack;
using Diag.Linux.Namespaces;
using Diag.Linux.Netlink;

namespace Diag.Linux.Tests.Conntrack;

/// <summary>The checklist's judgement on observations made up for cases a test machine cannot reach: a table of
/// 262,144 entries full, as in the million-connection incident, and its remedies.</summary>
public sealed class ConntrackChecklistTests
{
    private static ConntrackObservation Observation(long entries, long max, long buckets, uint dropsBefore, uint dropsAfter) => new()
    {
        Namespace = new NetworkNamespace(4026532239, "/run/netns/blue") { Name = "blue" },
        Settings = ConntrackSettings.Read(),
        Entries = entries,
        Max = max,
        Buckets = buckets,
        AllNamespacesEntries = entries,
        EntryBytes = 256,
        Counters = ConntrackCounters.Compare([new ConntrackCpuStatistics { Drop = dropsBefore }], [new ConntrackCpuStatistics { Drop = dropsAfter }], TimeSpan.FromSeconds(1)),
        SampleInterval = TimeSpan.FromSeconds(1),
        Log = TableFullLog.Read(CancellationToken.None),
    };

    [Fact]
    public void AFullTableOfTheDefaultSizeGetsTheLimitAndTheHashSizeToGoWithIt()
    {
        var report = ConntrackChecklist.Judge(Observation(262144, 262144, 262144, 100, 151));
        Assert.Equal("Dropping", report.Verdict);
        var capacity = report.Checks.Single(c => c.Check == "Capacity");
        Assert.Equal("Fail", capacity.Status);
        Assert.Equal("sysctl -w net.netfilter.nf_conntrack_max=524288\nsysctl -w net.netfilter.nf_conntrack_buckets=524288", capacity.Remedy);
        Assert.Contains("524,288 entries take at most 128 MiB (256 bytes each), and as many hash buckets 4 MiB more", capacity.Message);
        Assert.Contains("/etc/sysctl.d", capacity.Message); // read in the host's namespace here: the setting is writable
        Assert.Equal("Fail", report.Checks.Single(c => c.Check == "TableFullDrops").Status);
        Assert.Equal("Pass", report.Checks.Single(c => c.Check == "HashChains").Status);
        Assert.Equal(51, report.DropsPerSecond);
        Assert.StartsWith("262,144 of 262,144 entries (100%); 51 packets dropped for a full table in 1 s (51/s)", report.Summary);
    }

    [Fact]
    public void ATableAt85PercentWarnsAndOneWithRoomPasses()
    {
        Assert.Equal("Warning", ConntrackChecklist.Judge(Observation(850, 1000, 1024, 0, 0)).Checks.Single(c => c.Check == "Capacity").Status);
        var ok = ConntrackChecklist.Judge(Observation(100, 1000, 1024, 0, 0));
        Assert.Equal("Ok", ok.Verdict);
        Assert.All(ok.Checks, c => Assert.DoesNotContain(c.Status, new[] { "Fail", "Warning" }));
        Assert.Equal("100 of 1,000 entries (10%); nothing dropped.", ok.Summary);
    }

    [Fact]
    public void NothingTrackedAndNothingCountedIsIdle()
    {
        var idle = ConntrackChecklist.Judge(Observation(0, 262144, 262144, 0, 0));
        Assert.Equal("Idle", idle.Verdict);
        Assert.Equal(Enum.GetValues<ConntrackCheckName>().Length, idle.Checks.Count);
    }
}
