using System.Globalization;

namespace Diag.Linux.CoreDumps;

/// <summary>A soft and hard resource limit in bytes; null means unlimited (RLIM_INFINITY).</summary>
internal readonly record struct ResourceLimitPair(ulong? Soft, ulong? Hard)
{
    public static readonly ResourceLimitPair Unlimited = new(null, null);

    /// <summary>The value the kernel compares against: unlimited as ulong.MaxValue.</summary>
    public ulong SoftValue => Soft ?? ulong.MaxValue;

    public override string ToString() => $"soft {Text(Soft)}, hard {Text(Hard)}";

    public static string Text(ulong? value) => value is { } v ? ByteSize.Format(v) : "unlimited";

    /// <summary>Parses one line of /proc/PID/limits, e.g. "Max core file size  0  unlimited  bytes".</summary>
    public static ResourceLimitPair? FromLimitsFile(string? limits, string name)
    {
        if (limits is null) return null;
        foreach (var line in limits.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var fields = line[name.Length..].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2) return null;
            return new ResourceLimitPair(ParseValue(fields[0]), ParseValue(fields[1]));
        }
        return null;
    }

    /// <summary>"unlimited"/"infinity" or a number of bytes, as limits files and systemd write them.</summary>
    public static ulong? ParseValue(string text) =>
        text is "unlimited" or "infinity" || !ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v == ulong.MaxValue
            ? null : v;
}

/// <summary>Byte counts as people read them: 0, 512 B, 4 KiB, 1.5 GiB.</summary>
internal static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    public static string Format(ulong bytes)
    {
        if (bytes == 0) return "0";
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < Units.Length - 1) { value /= 1024; unit++; }
        var number = unit == 0 || value >= 100 || value == Math.Floor(value)
            ? value.ToString("0", CultureInfo.InvariantCulture)
            : value.ToString("0.#", CultureInfo.InvariantCulture);
        return number + " " + Units[unit];
    }

    public static string Format(long bytes) => Format((ulong)Math.Max(0, bytes));

    /// <summary>systemd's sizes: a number with an optional K, M, G, T, P or E suffix (powers of 1024), or "infinity".</summary>
    public static ulong? ParseSystemd(string text)
    {
        text = text.Trim();
        if (text.Equals("infinity", StringComparison.OrdinalIgnoreCase)) return ulong.MaxValue;
        if (text.Length == 0) return null;
        ulong factor = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1UL << 10, 'M' => 1UL << 20, 'G' => 1UL << 30, 'T' => 1UL << 40, 'P' => 1UL << 50, 'E' => 1UL << 60, 'B' => 1, _ => 0,
        };
        var digits = factor == 0 ? text : text[..^1];
        if (factor == 0) factor = 1;
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? (ulong)Math.Min(n * factor, ulong.MaxValue) : null;
    }
}
