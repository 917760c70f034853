using System.Globalization;

namespace Diag.Linux.Toa.Text;

/// <summary>
/// The time at the start of a tcpdump packet line, when it says the date: <c>-tttt</c>
/// (<c>2024-05-01 12:34:56.789012</c>, the local time of the machine that ran tcpdump) or <c>-tt</c>
/// (seconds since the epoch). The default (<c>12:34:56.789012</c>), <c>-ttt</c> and <c>-ttttt</c>
/// (deltas) have no date: no timestamp then, rather than a guessed day.
/// </summary>
internal static class TcpdumpTimestamp
{
    public static DateTime? Parse(ReadOnlySpan<char> line)
    {
        line = SkipPacketNumber(line.TrimStart());
        if (line.Length >= 19 && line[4] == '-' && line[7] == '-' && line[10] == ' ' && line[13] == ':' && line[16] == ':')
        {
            int end = TimeEnd(line, 19);
            return DateTime.TryParseExact(line[..end], Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local)
                ? local : null;
        }
        int dot = line.IndexOf('.');
        if (dot >= 9 && dot <= 11 && IsDigits(line[..dot]))
        {
            int end = TimeEnd(line, dot + 1);
            if (end == dot + 1 || !long.TryParse(line[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)) return null;
            var fraction = line[(dot + 1)..end];
            long ticks = 0;
            for (int i = 0; i < 7; i++) ticks = ticks * 10 + (i < fraction.Length ? fraction[i] - '0' : 0);
            return DateTime.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + ticks).ToLocalTime();
        }
        return null;
    }

    /// <summary>tcpdump's default time, a time of day without a date (<c>17:53:20.123456</c>, or nanoseconds with
    /// --time-stamp-precision=nano); null for anything else (-t prints none, -ttt and -ttttt print deltas that start 00:00:00 or are seconds).</summary>
    public static TimeSpan? ParseTimeOfDay(ReadOnlySpan<char> line)
    {
        line = SkipPacketNumber(line.TrimStart());
        if (line.Length < 9 || line[2] != ':' || line[5] != ':' || line[8] != '.') return null;
        if (!int.TryParse(line[..2], NumberStyles.None, CultureInfo.InvariantCulture, out int hours) || hours > 23
            || !int.TryParse(line[3..5], NumberStyles.None, CultureInfo.InvariantCulture, out int minutes) || minutes > 59
            || !int.TryParse(line[6..8], NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) || seconds > 60)
            return null;
        int end = 9;
        long ticks = 0;
        int digits = 0;
        while (end < line.Length && char.IsAsciiDigit(line[end]))
        {
            if (digits < 7) { ticks = ticks * 10 + (line[end] - '0'); digits++; }
            end++;
        }
        if (digits == 0 || (end < line.Length && line[end] != ' ')) return null;
        for (; digits < 7; digits++) ticks *= 10;
        return new TimeSpan(hours, minutes, Math.Min(seconds, 59)) + TimeSpan.FromTicks(ticks);
    }

    // Microseconds by default, nanoseconds with --time-stamp-precision=nano (cut to ticks).
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.f", "yyyy-MM-dd HH:mm:ss.ff", "yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-dd HH:mm:ss.ffff",
        "yyyy-MM-dd HH:mm:ss.fffff", "yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss.fffffff",
    ];

    /// <summary>The end of the time: at most 7 fraction digits count (ticks); more are dropped.</summary>
    private static int TimeEnd(ReadOnlySpan<char> line, int fractionStart)
    {
        if (fractionStart > line.Length) return line.Length;
        int start = fractionStart;
        if (start < line.Length && line[start] == '.') start++;
        if (fractionStart >= 19 && (fractionStart >= line.Length || line[fractionStart] != '.')) return Math.Min(fractionStart, line.Length);
        int end = start;
        while (end < line.Length && char.IsAsciiDigit(line[end]) && end - start < 7) end++;
        return end;
    }

    /// <summary>tcpdump -# puts the packet number first: "    1  12:00:00.000000 IP …".</summary>
    internal static ReadOnlySpan<char> SkipPacketNumber(ReadOnlySpan<char> line)
    {
        int i = 0;
        while (i < line.Length && char.IsAsciiDigit(line[i])) i++;
        return i > 0 && line[i..].StartsWith("  ", StringComparison.Ordinal) ? line[i..].TrimStart() : line;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s) if (!char.IsAsciiDigit(c)) return false;
        return !s.IsEmpty;
    }
}
