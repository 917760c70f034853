using System.Globalization;

namespace Diag.Linux.Toa.Text;

/// <summary>
/// One line of tcpdump's hex dump (-x, -xx, -X, -XX; print-ascii.c): <c>\t0x0010:  0a00 0002 9c40 …</c>,
/// the offset and a space, then each group of two bytes preceded by one space, an odd last byte alone; with -X two or more spaces
/// then the ASCII column, which is not read.
/// </summary>
internal static class HexDumpLine
{
    /// <summary>True when the (left-trimmed) line starts like a hex-dump line: <c>0x</c>, hex digits, a colon.</summary>
    public static bool Looks(ReadOnlySpan<char> trimmed)
    {
        if (trimmed.Length < 4 || trimmed[0] != '0' || trimmed[1] != 'x') return false;
        int colon = trimmed.IndexOf(':');
        return colon > 2 && colon <= 10 && HexText.IsHex(trimmed[2..colon]);
    }

    /// <summary>Reads the offset and the bytes of a hex-dump line into <paramref name="bytes"/>; false when it is not well formed.</summary>
    public static bool TryRead(ReadOnlySpan<char> trimmed, out int offset, Span<byte> bytes, out int count)
    {
        count = 0;
        int colon = trimmed.IndexOf(':');
        if (!int.TryParse(trimmed[2..colon], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out offset)) return false;
        // "0x0010: " then " 0a00" per group: two spaces before the first group, one before the others.
        var rest = trimmed[(colon + 1)..];
        if (rest.IsEmpty || rest[0] != ' ') return false;
        rest = rest[1..];
        int i = 0;
        while (i + 1 < rest.Length && rest[i] == ' ' && rest[i + 1] != ' ')
        {
            i++;
            int digits = 0;
            while (i + digits < rest.Length && rest[i + digits] != ' ') digits++;
            if (digits is not (2 or 4) || count + digits / 2 > bytes.Length) return false;
            if (!HexText.TryDecode(rest.Slice(i, digits), bytes[count..])) return false;
            count += digits / 2;
            i += digits;
        }
        return count > 0;
    }
}
