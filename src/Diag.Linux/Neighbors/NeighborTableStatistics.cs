using Diag.Linux.Output;

namespace Diag.Linux.Neighbors;

/// <summary>
/// One neighbour table (arp_cache for IPv4, ndisc_cache for IPv6) as <c>ip -s ntable</c> shows it: its size against
/// the garbage-collection thresholds, its counters, and how each interface of the namespace resolves. The kernel
/// keeps one table per family for the whole machine: Entries and the counters cover every network namespace; the
/// thresholds are the host's; the interface settings are the namespace's.
/// </summary>
public sealed class NeighborTableStatistics
{
    /// <summary>IPv4 or IPv6.</summary>
    public string AddressFamily { get; internal init; } = "";

    /// <summary>The kernel's name for it: arp_cache, ndisc_cache.</summary>
    public string Table { get; internal init; } = "";

    /// <summary>The network namespace whose interfaces are listed (its inode).</summary>
    public ulong NetworkNamespace { get; internal init; }

    /// <summary>Entries in the table, all namespaces together.</summary>
    public long Entries { get; internal init; }

    /// <summary>gc_thresh1: below it the garbage collector leaves the table alone.</summary>
    public long GcThresh1 { get; internal init; }

    /// <summary>gc_thresh2: above it, entries older than 5 s are collected at once.</summary>
    public long GcThresh2 { get; internal init; }

    /// <summary>gc_thresh3: the hard limit; a new entry beyond it fails (table_fulls) and its packet is dropped.</summary>
    public long GcThresh3 { get; internal init; }

    public TimeSpan GcInterval { get; internal init; }

    /// <summary>res_failed: resolutions that failed (no answer).</summary>
    public long ResolutionFailures { get; internal init; }

    /// <summary>unresolved_discards: packets discarded because the queue of an unresolved neighbour was full
    /// (/proc/net/stat/*_cache; null where that file is not visible, outside the host's namespace).</summary>
    public long? UnresolvedDiscards { get; internal init; }

    /// <summary>table_fulls: times the table was full and a forced collection freed nothing.</summary>
    public long TableFulls { get; internal init; }

    public long ForcedGcRuns { get; internal init; }
    public long PeriodicGcRuns { get; internal init; }
    public long Allocations { get; internal init; }
    public long Destroys { get; internal init; }
    public long HashGrows { get; internal init; }
    public long Lookups { get; internal init; }
    public long Hits { get; internal init; }
    public long MulticastProbesReceived { get; internal init; }
    public long UnicastProbesReceived { get; internal init; }

    /// <summary>Ok, NearFull (above gc_thresh2) or Overflowed (table_fulls counted).</summary>
    public string Diagnosis { get; internal init; } = "";

    /// <summary>What the figures mean, and what to do.</summary>
    public string Message { get; internal init; } = "";

    /// <summary>A command that raises the limits, when they are the problem.</summary>
    public string Remedy { get; internal init; } = "";

    /// <summary>How each interface of the namespace resolves (its defaults first).</summary>
    public ItemList<NeighborInterfaceSettings> Interfaces { get; internal init; } = ItemList<NeighborInterfaceSettings>.Empty;

    public override string ToString() =>
        $"{Table}: {Entries} entries (gc_thresh {GcThresh1}/{GcThresh2}/{GcThresh3}), res_failed {ResolutionFailures}, " +
        $"unresolved_discards {UnresolvedDiscards?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}, table_fulls {TableFulls}";
}
