using System.Globalization;

namespace Diag.Linux.Limits;

/// <summary>A soft and a hard limit; null means unlimited (RLIM_INFINITY).</summary>
internal readonly record struct LimitPair(ulong? Soft, ulong? Hard)
{
    /// <summary>Every limit of a process from /proc/PID/limits (readable by anyone, unlike prlimit(2) on another
    /// user's process, which needs CAP_SYS_RESOURCE); null when the text is not a limits file.</summary>
    public static LimitPair[]? ParseLimitsFile(ReadOnlySpan<byte> content)
    {
        var pairs = new LimitPair[ResourceLimitInfo.All.Length];
        int found = 0;
        while (!content.IsEmpty)
        {
            int eol = content.IndexOf((byte)'\n');
            var line = eol < 0 ? content : content[..eol];
            content = eol < 0 ? default : content[(eol + 1)..];
            foreach (var info in ResourceLimitInfo.All)
            {
                var label = Labels[(int)info.Kind];
                if (!line.StartsWith(label) || line.Length <= label.Length || line[label.Length] != (byte)' ') continue;
                var fields = System.Text.Encoding.ASCII.GetString(line[label.Length..]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 2) return null;
                pairs[(int)info.Kind] = new LimitPair(Value(fields[0]), Value(fields[1]));
                found++;
                break;
            }
        }
        return found == pairs.Length ? pairs : null;
    }

    private static readonly byte[][] Labels = ResourceLimitInfo.All.Select(i => System.Text.Encoding.ASCII.GetBytes(i.Label)).ToArray();

    private static ulong? Value(string text) =>
        text == "unlimited" || !ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) || v == ulong.MaxValue ? null : v;

    public static string Text(ulong? value) => value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "unlimited";

    /// <summary>prlimit's syntax: "soft:hard".</summary>
    public string PrlimitText => Text(Soft) + ":" + Text(Hard);
}
