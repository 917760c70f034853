using System.Globalization;

namespace Diag.Linux.Memory;

/// <summary>All mappings of one kind in one process (Get-ProcessMemoryMap -Summary): how many, how much address space
/// and how much memory; with -Interval or -Continuous, how much each grew.</summary>
public sealed class MemoryKindTotal
{
    internal MemoryKindTotal(int processId, string processName, MemoryKind kind, int count, long size, long rss, long pss, long privateDirty, long swap,
        double shareOfRss, DateTime timestamp, int? countGrowth = null, long? rssGrowth = null, long? sizeGrowth = null, TimeSpan? interval = null)
    {
        ProcessId = processId;
        ProcessName = processName;
        KindValue = kind;
        Count = count;
        SizeBytes = size;
        RssBytes = rss;
        PssBytes = pss;
        PrivateDirtyBytes = privateDirty;
        SwapBytes = swap;
        RssPercent = shareOfRss;
        Timestamp = timestamp;
        CountGrowth = countGrowth;
        RssGrowthBytes = rssGrowth;
        SizeGrowthBytes = sizeGrowth;
        Interval = interval;
    }

    public int ProcessId { get; }
    public string ProcessName { get; }
    /// <summary>The kind (see <see cref="MemoryKind"/>).</summary>
    public string Kind => KindValue.ToString();

    internal MemoryKind KindValue { get; }

    /// <summary>Mappings of this kind (a GlibcArena heap counts its two parts).</summary>
    public int Count { get; }

    public long SizeBytes { get; }
    public long RssBytes { get; }
    public long PssBytes { get; }
    public long PrivateDirtyBytes { get; }
    public long SwapBytes { get; }

    /// <summary>This kind's share of the process's resident memory.</summary>
    public double RssPercent { get; }

    public DateTime Timestamp { get; }

    /// <summary>With -Interval or -Continuous: mappings added (negative: removed).</summary>
    public int? CountGrowth { get; }

    /// <summary>With -Interval or -Continuous: RSS now minus RSS before.</summary>
    public long? RssGrowthBytes { get; }

    /// <summary>With -Interval or -Continuous: mapped size now minus before.</summary>
    public long? SizeGrowthBytes { get; }

    /// <summary>With -Interval or -Continuous: the time between the two snapshots.</summary>
    public TimeSpan? Interval { get; }

    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{ProcessName} ({ProcessId}) {Kind}: {Count} mappings, {CoreDumps.ByteSize.Format(SizeBytes)} mapped, {CoreDumps.ByteSize.Format(RssBytes)} resident");
        if (RssGrowthBytes is { } growth) text += string.Create(CultureInfo.InvariantCulture, $", {(growth < 0 ? "-" : "+")}{CoreDumps.ByteSize.Format(Math.Abs(growth))} in {Interval}");
        return text;
    }
}
