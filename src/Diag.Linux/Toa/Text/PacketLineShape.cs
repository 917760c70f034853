using System.Globalization;

namespace Diag.Linux.Toa.Text;

/// <summary>
/// How a stream's packet lines begin, learnt from its first one: the time as <c>-t</c> options print it (none,
/// <c>12:00:00.000000</c>, <c>2024-05-01 12:00:00.000000</c>, <c>1714564800.000000</c>), after the packet
/// number of <c>-#</c>. In <c>tcpdump -A</c> text, where payload is printed raw at the start of a line, a new
/// packet is a line that begins the same way.
/// </summary>
internal enum PacketLineShape
{
    /// <summary>No time (<c>-t</c>): the line starts with the protocol (<c>IP </c>, <c>IP6 </c>, <c>ARP, </c>) or with <c>-e</c> a MAC address.</summary>
    NoTime,

    /// <summary><c>12:00:00.000000</c> (the default, and the deltas of <c>-ttt</c> and <c>-ttttt</c>).</summary>
    TimeOfDay,

    /// <summary><c>2024-05-01 12:00:00.000000</c> (<c>-tttt</c>).</summary>
    Date,

    /// <summary><c>1714564800.000000</c> (<c>-tt</c>).</summary>
    Epoch,
}

internal static class PacketLineShapes
{
    /// <summary>The shape of a packet line (after <c>-#</c>'s number, if any).</summary>
    public static PacketLineShape Of(ReadOnlySpan<char> line)
    {
        line = TcpdumpTimestamp.SkipPacketNumber(line.TrimStart());
        if (IsTimeOfDay(line)) return PacketLineShape.TimeOfDay;
        if (line.Length >= 19 && IsDigits(line[..4]) && line[4] == '-' && IsDigits(line.Slice(5, 2)) && line[7] == '-' && IsDigits(line.Slice(8, 2))
            && line[10] == ' ' && IsTimeOfDay(line[11..]))
            return PacketLineShape.Date;
        int dot = line.IndexOf('.');
        if (dot > 0 && IsDigits(line[..dot]) && dot + 1 < line.Length && char.IsAsciiDigit(line[dot + 1])) return PacketLineShape.Epoch;
        return PacketLineShape.NoTime;
    }

    /// <summary>True when <paramref name="line"/> can be a packet line of a stream of this shape: its time, then a
    /// space; or without a time, a protocol tcpdump names first.</summary>
    public static bool Matches(ReadOnlySpan<char> line, PacketLineShape shape)
    {
        var rest = TcpdumpTimestamp.SkipPacketNumber(line.TrimStart());
        if (Of(line) != shape) return false;
        if (shape != PacketLineShape.NoTime) return rest.Contains(' ');
        rest = SkipLinuxCookedPrefix(rest);
        return rest.StartsWith("IP ", StringComparison.Ordinal) || rest.StartsWith("IP6 ", StringComparison.Ordinal)
               || rest.StartsWith("ARP, ", StringComparison.Ordinal) || IsMacAddress(rest);
    }

    /// <summary>A Linux cooked capture (tcpdump -i any) puts the interface and the direction first: <c>eth0  In  IP …</c>,
    /// <c>Out IP …</c> (print-sll.c).</summary>
    private static ReadOnlySpan<char> SkipLinuxCookedPrefix(ReadOnlySpan<char> s)
    {
        foreach (var skipInterface in new[] { true, false })
        {
            var rest = s;
            if (skipInterface)
            {
                int space = rest.IndexOf(' ');
                if (space <= 0) continue;
                rest = rest[space..].TrimStart(' ');
            }
            int end = rest.IndexOf(' ');
            if (end > 0 && rest[..end] is "In" or "Out" or "B" or "M" or "P") return rest[end..].TrimStart(' ');
        }
        return s;
    }

    /// <summary>The time a packet line of this shape starts with, as ticks (of the day for <see cref="PacketLineShape.TimeOfDay"/>).</summary>
    public static bool TryReadTime(ReadOnlySpan<char> line, PacketLineShape shape, out long ticks)
    {
        ticks = 0;
        line = TcpdumpTimestamp.SkipPacketNumber(line.TrimStart());
        switch (shape)
        {
            case PacketLineShape.TimeOfDay:
                return TryClock(line, out ticks);
            case PacketLineShape.Date:
                if (line.Length < 19 || !TryClock(line[11..], out long clock)) return false;
                if (!DateTime.TryParseExact(line[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return false;
                ticks = day.Ticks + clock;
                return true;
            case PacketLineShape.Epoch:
                int dot = line.IndexOf('.');
                if (dot <= 0 || !long.TryParse(line[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || seconds > 1L << 40) return false;
                ticks = seconds * TimeSpan.TicksPerSecond + Fraction(line[(dot + 1)..]);
                return true;
            default:
                return false;
        }
    }

    /// <summary>HH:MM:SS and its fraction, as ticks.</summary>
    private static bool TryClock(ReadOnlySpan<char> s, out long ticks)
    {
        ticks = 0;
        if (!IsTimeOfDay(s)) return false;
        ticks = ((s[0] - '0') * 10 + (s[1] - '0')) * TimeSpan.TicksPerHour + ((s[3] - '0') * 10 + (s[4] - '0')) * TimeSpan.TicksPerMinute
                + ((s[6] - '0') * 10 + (s[7] - '0')) * TimeSpan.TicksPerSecond;
        if (s.Length > 8 && s[8] == '.') ticks += Fraction(s[9..]);
        return true;
    }

    /// <summary>Up to seven fraction digits, as ticks.</summary>
    private static long Fraction(ReadOnlySpan<char> digits)
    {
        long ticks = 0;
        for (int i = 0; i < 7; i++) ticks = ticks * 10 + (i < digits.Length && char.IsAsciiDigit(digits[i]) ? digits[i] - '0' : 0);
        return ticks;
    }

    private static bool IsTimeOfDay(ReadOnlySpan<char> s) =>
        s.Length >= 8 && IsDigits(s[..2]) && s[2] == ':' && IsDigits(s.Slice(3, 2)) && s[5] == ':' && IsDigits(s.Slice(6, 2));

    /// <summary><c>00:16:3e:00:00:01 </c>: -e prints the link-layer source first.</summary>
    private static bool IsMacAddress(ReadOnlySpan<char> s)
    {
        if (s.Length < 18 || s[17] != ' ') return false;
        for (int i = 0; i < 17; i++)
        {
            if (i % 3 == 2 ? s[i] != ':' : !char.IsAsciiHexDigit(s[i])) return false;
        }
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s) if (!char.IsAsciiDigit(c)) return false;
        return !s.IsEmpty;
    }
}
