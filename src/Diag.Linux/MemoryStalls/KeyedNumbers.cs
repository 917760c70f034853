using System.Globalization;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// The "name value" files of /proc: /proc/meminfo ("MemFree:  123456 kB", values turned into bytes) and /proc/vmstat
/// ("allocstall_normal 12", counts as they are). A name that is missing reads as absent, never as 0, so that a kernel
/// without a counter is told from a counter that stayed at 0.
/// </summary>
internal sealed class KeyedNumbers
{
    private readonly Dictionary<string, long> _values;

    private KeyedNumbers(Dictionary<string, long> values) => _values = values;

    public static KeyedNumbers Empty { get; } = new(new Dictionary<string, long>(StringComparer.Ordinal));

    public long? this[string name] => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>The value of <paramref name="name"/>, or 0 when the kernel has no such line.</summary>
    public long Get(string name) => _values.TryGetValue(name, out var v) ? v : 0;

    /// <summary>The sum of every value whose name starts with <paramref name="prefix"/> (allocstall_dma, allocstall_normal…); null when none does.</summary>
    public long? SumOf(string prefix)
    {
        long? sum = null;
        foreach (var (name, value) in _values)
            if (name.StartsWith(prefix, StringComparison.Ordinal)) sum = (sum ?? 0) + value;
        return sum;
    }

    /// <summary>/proc/meminfo: "Name:   value kB" (or without unit, as HugePages_Total); kB become bytes.</summary>
    public static KeyedNumbers ParseMemInfo(string? text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var v)) continue;
            values[line[..colon]] = fields.Length > 1 && fields[1] == "kB" ? v * 1024 : v;
        }
        return new KeyedNumbers(values);
    }

    /// <summary>/proc/vmstat and flat keyed cgroup files (memory.stat, memory.events): "name value".</summary>
    public static KeyedNumbers ParseFlat(string? text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ');
            if (space <= 0) continue;
            if (long.TryParse(line.AsSpan(space + 1).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
                values[line[..space]] = v;
        }
        return new KeyedNumbers(values);
    }
}
