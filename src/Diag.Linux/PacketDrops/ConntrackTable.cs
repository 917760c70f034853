using System.Globalization;
using System.Text;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// The little of conntrack's state that telling a full table from a firewall rule needs, per network namespace: the
/// entries in use against net.netfilter.nf_conntrack_max, and conntrack's own drop, early_drop and insert_failed
/// statistics summed over the CPUs. Read from the namespace's <c>/proc/net/stat/nf_conntrack</c> (its "entries" column is
/// the namespace's count, one row per CPU; the values are hexadecimal) and the limit from
/// <c>/proc/sys/net/netfilter/nf_conntrack_max</c>, which is one setting for every namespace (written from the host's).
/// Test-ConntrackCapacity reads all of conntrack over ctnetlink; this is only what a drop needs, read in microseconds.
/// </summary>
internal sealed class ConntrackTable
{
    private const string LimitPath = "/proc/sys/net/netfilter/nf_conntrack_max";
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMilliseconds(20);

    private readonly NamespaceDirectory _namespaces;
    private readonly Dictionary<uint, (long At, ConntrackTableState? State)> _cache = new();
    private readonly object _gate = new();

    public ConntrackTable(NamespaceDirectory namespaces) => _namespaces = namespaces;

    /// <summary>The table of namespace <paramref name="inode"/> now (read at most every 20 ms per namespace, so that a
    /// burst of drops does not read it for each); null when it cannot be read (no conntrack in the kernel, the namespace gone).</summary>
    public ConntrackTableState? Read(uint inode)
    {
        var now = Environment.TickCount64;
        lock (_gate)
            if (_cache.TryGetValue(inode, out var cached) && now - cached.At < (long)CacheLifetime.TotalMilliseconds)
                return cached.State;
        var state = ReadNow(inode);
        lock (_gate)
            _cache[inode] = (now, state);
        return state;
    }

    /// <summary>Reads the table without the cache.</summary>
    public ConntrackTableState? ReadNow(uint inode)
    {
        var statistics = _namespaces.ReadProcNet(inode, "stat/nf_conntrack")[0];
        if (statistics is null)
            return null;
        long? max = null;
        try
        {
            max = long.Parse(File.ReadAllText(LimitPath).Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return Parse(Encoding.ASCII.GetString(statistics), max, DateTime.Now);
    }

    /// <summary>Parses /proc/net/stat/nf_conntrack.</summary>
    internal static ConntrackTableState? Parse(string text, long? max, DateTime readAt)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2)
            return null;
        var names = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int Column(string name) => Array.IndexOf(names, name);
        int entries = Column("entries"), drop = Column("drop"), earlyDrop = Column("early_drop"), insertFailed = Column("insert_failed");
        if (entries < 0)
            return null;
        long count = 0, drops = 0, earlyDrops = 0, insertFailures = 0;
        for (var row = 1; row < lines.Length; row++)
        {
            var values = lines[row].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long Value(int column) => column >= 0 && column < values.Length && long.TryParse(values[column], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v) ? v : 0;
            if (row == 1)
                count = Value(entries);
            drops += Value(drop);
            earlyDrops += Value(earlyDrop);
            insertFailures += Value(insertFailed);
        }
        return new ConntrackTableState(count, max, drops, earlyDrops, insertFailures, readAt);
    }
}

/// <summary>One namespace's conntrack table at one moment.</summary>
internal sealed record ConntrackTableState(long Count, long? Max, long Drops, long EarlyDrops, long InsertFailures, DateTime ReadAt)
{
    /// <summary>No room for a new entry: count at (or, transiently, above) the limit.</summary>
    public bool IsFull => Max is { } max && max > 0 && Count >= max;

    public string Fill => Max is { } max ? string.Create(CultureInfo.InvariantCulture, $"{Count} of {max}") : string.Create(CultureInfo.InvariantCulture, $"{Count} (limit unknown)");
}
