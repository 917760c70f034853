using System.Globalization;
using Diag.Linux.CoreDumps;
using Diag.Linux.Output;

namespace Diag.Linux.Conntrack;

/// <summary>
/// Test-ConntrackCapacity's answer for one network namespace: the checklist (<see cref="Checks"/>, one line per check
/// with its remedy), the verdict in a word and a sentence, and the figures behind them — entries against the limit,
/// the kernel's counters over the sample, the biggest consumers, the timeouts that keep them, the kernel log's
/// "table full" lines. One object per namespace, so Where-Object, Sort-Object and Export-Csv see one row each.
/// </summary>
public sealed class ConntrackReport
{
    internal ConntrackReport(ConntrackObservation o, IReadOnlyList<ConntrackCheck> checks, ConntrackVerdict verdict, string summary, IReadOnlyList<ConntrackTimeout> timeouts)
    {
        var ns = o.Namespace;
        NetworkNamespace = ns.Inode;
        Namespace = ns.Label;
        NamespaceName = ns.Name;
        ProcessId = ns.ProcessId;
        ProcessName = ns.ProcessName;
        IsHostNamespace = ns.IsInitial;
        VerdictValue = verdict;
        Summary = summary;
        Entries = o.Entries;
        MaxEntries = o.Max;
        UsePercent = Math.Round(o.UsePercent, 1);
        Buckets = o.Buckets;
        AllNamespacesEntries = o.AllNamespacesEntries;
        AverageChainLength = o.Buckets > 0 ? Math.Round((double)o.AllNamespacesEntries / o.Buckets, 4) : 0;
        EntryBytes = o.EntryBytes;
        SampleInterval = o.SampleInterval;
        CounterSource = o.CounterSource;
        Counters = ItemList.Of(o.Counters);
        DropsPerSecond = o.Counters.FirstOrDefault(c => c.Name == "drop")?.PerSecond ?? 0;
        TopStates = ItemList.Of(o.Tally?.TopStates(o.Top) ?? []);
        TopSources = ItemList.Of(o.Tally?.TopSources(o.Top) ?? []);
        TopDestinationPorts = ItemList.Of(o.Tally?.TopDestinationPorts(o.Top) ?? []);
        Timeouts = ItemList.Of(timeouts);
        var lines = o.LogLines;
        TableFullMessageCount = lines.Count;
        TableFullMessages = ItemList.Of(lines.TakeLast(MessagesKept));
        Checks = ItemList.Of(checks);
        Blockers = ItemList.Of(checks.Where(c => c.StatusValue == CheckStatus.Fail).Select(c => c.Check));
        Warnings = ItemList.Of(checks.Where(c => c.StatusValue == CheckStatus.Warning).Select(c => c.Check));
        Time = DateTime.Now;
    }

    /// <summary>How many of a namespace's "table full" lines the report keeps (the latest).</summary>
    internal const int MessagesKept = 20;

    /// <summary>The network namespace (its inode: <c>net:[4026531840]</c>, "table full in netns 4026531840").</summary>
    public ulong NetworkNamespace { get; }

    /// <summary>What it is called: <c>host</c>, its <c>ip netns</c> name, or the first process in it (<c>nginx (1234)</c>).</summary>
    public string Namespace { get; }

    /// <summary>Its <c>ip netns</c> name, if it has one.</summary>
    public string? NamespaceName { get; }

    /// <summary>A process in it (the lowest PID), if any.</summary>
    public int? ProcessId { get; }

    public string? ProcessName { get; }

    /// <summary>True for the host's namespace, the only one where nf_conntrack_max and the hash size can be changed.</summary>
    public bool IsHostNamespace { get; }

    /// <summary>Ok, AtRisk, Dropping or Idle.</summary>
    public string Verdict => VerdictValue.ToString();

    internal ConntrackVerdict VerdictValue { get; }

    /// <summary>The conclusion in one sentence.</summary>
    public string Summary { get; }

    /// <summary>Entries in this namespace's table (<c>conntrack -C</c>, net.netfilter.nf_conntrack_count).</summary>
    public long Entries { get; }

    /// <summary>net.netfilter.nf_conntrack_max: the limit each namespace's table has (0: none).</summary>
    public long MaxEntries { get; }

    public double UsePercent { get; }

    /// <summary>net.netfilter.nf_conntrack_buckets: the hash table all namespaces share.</summary>
    public long Buckets { get; }

    /// <summary>Entries of every namespace Diag could read, which share those buckets.</summary>
    public long AllNamespacesEntries { get; }

    /// <summary><see cref="AllNamespacesEntries"/> per bucket.</summary>
    public double AverageChainLength { get; }

    /// <summary>Memory per entry (the nf_conntrack slab's object size), when /proc/slabinfo is readable.</summary>
    public int? EntryBytes { get; }

    /// <summary>How long the counters were watched.</summary>
    public TimeSpan SampleInterval { get; }

    /// <summary>ctnetlink, or /proc/net/stat/nf_conntrack where ctnetlink is not available.</summary>
    public string CounterSource { get; }

    /// <summary>The kernel's counters as <c>conntrack -S</c> names them, summed over CPUs: totals and growth during the sample.</summary>
    public ItemList<ConntrackCounter> Counters { get; }

    /// <summary>The drop counter's rate during the sample: packets dropped per second for a full table.</summary>
    public double DropsPerSecond { get; }

    /// <summary>The states holding the most entries (<c>tcp TIME_WAIT</c>, <c>udp UNREPLIED</c>).</summary>
    public ItemList<ConntrackConsumer> TopStates { get; }

    /// <summary>The source addresses holding the most entries.</summary>
    public ItemList<ConntrackConsumer> TopSources { get; }

    /// <summary>The destination ports holding the most entries.</summary>
    public ItemList<ConntrackConsumer> TopDestinationPorts { get; }

    /// <summary>The timeouts of the states in the table, most entries first.</summary>
    public ItemList<ConntrackTimeout> Timeouts { get; }

    /// <summary>"table full" lines naming this namespace in the kernel log.</summary>
    public int TableFullMessageCount { get; }

    /// <summary>The latest of them (up to 20).</summary>
    public ItemList<ConntrackLogMessage> TableFullMessages { get; }

    /// <summary>One line per check, in order, each with its remedy.</summary>
    public ItemList<ConntrackCheck> Checks { get; }

    /// <summary>The checks that fail: what drops packets now.</summary>
    public ItemList<string> Blockers { get; }

    /// <summary>The checks that warn.</summary>
    public ItemList<string> Warnings { get; }

    /// <summary>When the report was made.</summary>
    public DateTime Time { get; }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"net:[{NetworkNamespace}] {Namespace}: {Verdict} - {Summary}");
}
