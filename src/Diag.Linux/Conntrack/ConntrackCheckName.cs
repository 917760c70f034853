namespace Diag.Linux.Conntrack;

/// <summary>The checks of Test-ConntrackCapacity, in the order they are listed.</summary>
public enum ConntrackCheckName
{
    /// <summary>Entries of the namespace against nf_conntrack_max.</summary>
    Capacity = 1,

    /// <summary>The <c>drop</c> counter: packets dropped because the table was full.</summary>
    TableFullDrops,

    /// <summary>The <c>early_drop</c> counter: entries evicted to make room.</summary>
    EarlyDrops,

    /// <summary>The <c>insert_failed</c> counter (and <c>clash_resolve</c>): insert races.</summary>
    InsertFailures,

    /// <summary>Average hash chain length and the <c>chaintoolong</c> counter.</summary>
    HashChains,

    /// <summary>The <c>search_restart</c> counter.</summary>
    SearchRestarts,

    /// <summary>"nf_conntrack: table full" lines in the kernel log.</summary>
    KernelLog,

    /// <summary>What fills the table: states, sources, destination ports.</summary>
    Consumers,

    /// <summary>The timeouts that keep the entries alive.</summary>
    Timeouts,
}
