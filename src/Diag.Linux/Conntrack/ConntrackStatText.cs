using Diag.Linux.Netlink;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Conntrack;

/// <summary>
/// Reads /proc/net/stat/nf_conntrack, the text form of the per-CPU counters (used where ctnetlink is not loaded), into
/// the same per-CPU statistics ctnetlink gives. Its column names differ from <c>conntrack -S</c>'s (clashres,
/// chainlength, icmp_error); several legacy columns are always 0.
/// </summary>
internal static class ConntrackStatText
{
    /// <summary>Reads every CPU row; <paramref name="entries"/> is the namespace's entry count (the first column).</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, List<ConntrackCpuStatistics> into, out long entries)
    {
        entries = 0;
        if (NetStatTable.Parse(text) is not { } table) return false;
        int cpu = 0;
        foreach (var row in table.Rows)
        {
            uint Column(string name) => (uint)table.Value(row, name);
            entries = Column("entries");
            into.Add(new ConntrackCpuStatistics
            {
                Cpu = cpu++,
                Found = Column("found"),
                Invalid = Column("invalid"),
                Insert = Column("insert"),
                InsertFailed = Column("insert_failed"),
                Drop = Column("drop"),
                EarlyDrop = Column("early_drop"),
                Error = Column("icmp_error"),
                SearchRestart = Column("search_restart"),
                ClashResolve = Column("clashres"),
                ChainTooLong = Column("chainlength"),
            });
        }
        return into.Count > 0;
    }
}
