namespace Diag.Linux.ProcFs;

/// <summary>
/// A /proc/net/stat/* file (nf_conntrack, arp_cache, ndisc_cache, rt_cache): a header naming the columns, then one
/// row of hexadecimal numbers per CPU. Columns are looked up by name, since kernels add and rename them.
/// </summary>
internal sealed class NetStatTable
{
    private readonly List<string> _columns;

    private NetStatTable(List<string> columns, List<ulong[]> rows)
    {
        _columns = columns;
        Rows = rows;
    }

    /// <summary>One row per CPU, values in column order.</summary>
    public IReadOnlyList<ulong[]> Rows { get; }

    /// <summary>The value of <paramref name="column"/> in <paramref name="row"/>; 0 when the kernel has no such column.</summary>
    public ulong Value(ulong[] row, string column)
    {
        int index = _columns.IndexOf(column);
        return index >= 0 && index < row.Length ? row[index] : 0;
    }

    /// <summary>The column summed over CPUs; null when the kernel has no such column.</summary>
    public ulong? Sum(string column) =>
        _columns.Contains(column) ? Rows.Aggregate(0UL, (sum, row) => sum + Value(row, column)) : null;

    public static NetStatTable? Parse(ReadOnlySpan<byte> text)
    {
        var lines = System.Text.Encoding.ASCII.GetString(text).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2) return null;
        var columns = lines[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
        var rows = new List<ulong[]>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var row = new ulong[fields.Length];
            for (int i = 0; i < fields.Length; i++)
                row[i] = ProcNumber.TryParseHex(System.Text.Encoding.ASCII.GetBytes(fields[i]), out ulong value) ? value : 0;
            rows.Add(row);
        }
        return rows.Count > 0 ? new NetStatTable(columns, rows) : null;
    }
}
