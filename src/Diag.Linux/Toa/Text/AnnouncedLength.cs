using System.Globalization;

namespace Diag.Linux.Toa.Text;

/// <summary>
/// The packet sizes tcpdump's lines state: the IPv4 total length and IPv6 payload length of <c>-v</c>
/// (<c>proto TCP (6), length 52)</c>, <c>payload length: 32)</c>), and the TCP or UDP payload length
/// (<c>Flags [P.], … length 163</c>, <c>UDP, length 12</c>). They bound the <c>-A</c> dump that follows.
/// </summary>
internal static class AnnouncedLength
{
    /// <summary>The IP packet's length from a <c>-v</c> line: IPv4 <c>…, length N)</c>, IPv6 <c>payload length: N)</c> plus its 40-byte header.</summary>
    public static long? IpPacket(ReadOnlySpan<char> line)
    {
        int at = line.IndexOf("payload length: ", StringComparison.Ordinal);
        if (at >= 0 && Number(line[(at + 16)..], ')') is { } payload) return 40 + payload;
        int from = 0;
        while (true)
        {
            int hit = line[from..].IndexOf(", length ", StringComparison.Ordinal);
            if (hit < 0) return null;
            from += hit + 9;
            if (Number(line[from..], ')') is { } total) return total;
        }
    }

    /// <summary>The TCP payload length after the flags (<c>Flags [S], …, length 0</c>), or a UDP one (<c>UDP, length 12</c>).</summary>
    public static long? TransportPayload(ReadOnlySpan<char> line, out bool udp)
    {
        udp = false;
        int flags = line.IndexOf("Flags [", StringComparison.Ordinal);
        if (flags >= 0)
        {
            int at = line[flags..].IndexOf(", length ", StringComparison.Ordinal);
            return at < 0 ? null : Number(line[(flags + at + 9)..], null);
        }
        int u = line.IndexOf("UDP, length ", StringComparison.Ordinal);
        if (u < 0) return null;
        udp = true;
        return Number(line[(u + 12)..], null);
    }

    /// <summary>The digits at the start of <paramref name="s"/>, when followed by <paramref name="end"/> (or anything when null).</summary>
    private static long? Number(ReadOnlySpan<char> s, char? end)
    {
        int i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]) && i < 9) i++;
        if (i == 0 || (end is { } e && (i >= s.Length || s[i] != e))) return null;
        return long.Parse(s[..i], NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
