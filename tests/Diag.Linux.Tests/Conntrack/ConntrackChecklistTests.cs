using Diag.Linux.Conntrack;
using Diag.Linux.KernelLog;
using Diag.Linux.Namespaces;
using Diag.Linux.Netlink;

namespace Diag.Linux.Tests.Conntrack;

/// <summary>The checklist's judgement on observations made up for cases a test machine cannot reach: a table of
/// 262,144 entries full, as in the million-connection incident, and its remedies.</summary>
public sealed class ConntrackChecklistTests
{
    private static ConntrackObservation Observation(long entries, long max, long buckets, uint dropsBefore, uint dropsAfter, TableFullLog? log = null) => new()
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
        SampleStartSinceBoot = SampleStart,
        Log = log ?? TableFullLog.Read(CancellationToken.None),
    };

    /// <summary>When the made-up sample started, on the kernel log's clock.</summary>
    private static readonly TimeSpan SampleStart = KernelLogClock.Now();

    /// <summary>A kernel log of <paramref name="count"/> "table full" lines naming namespace 4026532239, a second apart,
    /// the last a minute before the sample.</summary>
    private static TableFullLog LinesNamingTheInode(int count)
    {
        var sampleStart = SampleStart;
        var lines = Enumerable.Range(0, count).Select(i =>
        {
            var sinceBoot = sampleStart - TimeSpan.FromMinutes(1) - TimeSpan.FromSeconds(count - 1 - i);
            return new ConntrackLogMessage(DateTime.Now - (sampleStart - sinceBoot), sinceBoot, 4026532239,
                "nf_conntrack: nf_conntrack: table full in netns 4026532239, dropping packet");
        }).ToList();
        return new TableFullLog(lines, 0, null);
    }

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

    [Fact]
    public void LinesNamingAReusedInodeBeyondTheDropCounterAreAnEarlierNamespaces()
    {
        // 30 lines name the inode, but this namespace counted 12 drops: 18 of them were logged for an earlier one.
        var observation = Observation(0, 1000, 1024, 12, 12, LinesNamingTheInode(30));
        Assert.Equal(12, observation.LogLines.Count);
        Assert.Equal(18, observation.EarlierNamespaceLogLines);
        var report = ConntrackChecklist.Judge(observation);
        Assert.Equal(12, report.TableFullMessageCount);
        var log = report.Checks.Single(c => c.Check == "KernelLog");
        Assert.Equal("Warning", log.Status);
        Assert.StartsWith("12 naming this namespace since boot, the last at ", log.Actual);
        Assert.EndsWith("(18 older lines name the same inode: more than this namespace's drop counter, so from an earlier namespace)", log.Actual);

        // One that never dropped has none of them.
        var never = Observation(0, 1000, 1024, 0, 0, LinesNamingTheInode(30));
        Assert.Empty(never.LogLines);
        Assert.Equal("Idle", ConntrackChecklist.Judge(never).Verdict);
        Assert.EndsWith("; 30 lines name the same inode, from an earlier namespace (this one never dropped a packet)",
            ConntrackChecklist.Judge(never).Checks.Single(c => c.Check == "KernelLog").Actual);
    }
}
