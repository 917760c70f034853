using Diag.Linux.Namespaces;

namespace Diag.Linux.Conntrack;

/// <summary>Everything measured in one network namespace, from which its checklist is judged.</summary>
internal sealed class ConntrackObservation
{
    public required NetworkNamespace Namespace { get; init; }

    public required ConntrackSettings Settings { get; init; }

    /// <summary>The namespace's entries at the end of the sample.</summary>
    public long Entries { get; init; }

    /// <summary>nf_conntrack_max (0: no limit).</summary>
    public long Max { get; init; }

    public long Buckets { get; init; }

    /// <summary>Entries of every namespace that could be read: they share the one hash table.</summary>
    public long AllNamespacesEntries { get; init; }

    /// <summary>Namespaces whose entries could not be counted (not enterable): the chain length is then a lower bound.</summary>
    public int UncountedNamespaces { get; init; }

    /// <summary>Bytes per entry (the nf_conntrack slab's object size), when /proc/slabinfo could be read.</summary>
    public int? EntryBytes { get; init; }

    public required IReadOnlyList<ConntrackCounter> Counters { get; init; }

    public TimeSpan SampleInterval { get; init; }

    /// <summary>When the sample began, on the kernel log's clock: lines after it were logged during the sample.</summary>
    public TimeSpan SampleStartSinceBoot { get; init; }

    public string CounterSource { get; init; } = "";

    /// <summary>The dump's tally; null with <see cref="WhyNoTally"/> when the table could not be dumped.</summary>
    public ConntrackTally? Tally { get; init; }

    public string? WhyNoTally { get; init; }

    public required TableFullLog Log { get; init; }

    public int Top { get; init; } = 5;

    public ConntrackCounter Counter(string name) => Counters.First(c => c.Name == name);

    /// <summary>The kernel log's "table full" lines for this namespace: the latest of those naming its inode, no more
    /// than its drop counter, since each line is a packet the kernel dropped and counted there. A namespace's inode is
    /// reused once it is deleted, so older lines naming it may be an earlier namespace's; one that never dropped has none.</summary>
    public IReadOnlyList<ConntrackLogMessage> LogLines
    {
        get
        {
            var naming = Log.Of(Namespace.Inode).ToList();
            ulong drops = Counter("drop").Total;
            return drops >= (ulong)naming.Count ? naming : naming.GetRange(naming.Count - (int)drops, (int)drops);
        }
    }

    /// <summary>Lines naming this namespace's inode that belong to an earlier namespace (see <see cref="LogLines"/>).</summary>
    public int EarlierNamespaceLogLines => Log.Of(Namespace.Inode).Count() - LogLines.Count;

    public double UsePercent => Max > 0 ? 100.0 * Entries / Max : 0;

    /// <summary>Anything dropped, evicted or refused during the sample, or the table at 80 % or more.</summary>
    public bool UnderPressure =>
        (Max > 0 && Entries >= 0.8 * Max)
        || Counters.Any(c => c.Name is "drop" or "early_drop" or "insert_failed" or "chaintoolong" && c.DuringSample > 0);
}
