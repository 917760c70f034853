using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Quotes bytes the way strace prints strings: C escapes for \t \n \v \f \r, \" and \\,
/// \xNN for every other non-printable byte, and <c>...</c> after the closing quote when cut short.</summary>
internal static class StringEscaper
{
    public static string Quote(ReadOnlySpan<byte> bytes, bool truncated)
    {
        var text = new StringBuilder(bytes.Length + 8);
        text.Append('"');
        foreach (var b in bytes)
        {
            switch (b)
            {
                case (byte)'"': text.Append("\\\""); break;
                case (byte)'\\': text.Append("\\\\"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case (byte)'\n': text.Append("\\n"); break;
                case 0x0b: text.Append("\\v"); break;
                case 0x0c: text.Append("\\f"); break;
                case (byte)'\r': text.Append("\\r"); break;
                default:
                    if (b >= 0x20 && b < 0x7f)
                        text.Append((char)b);
                    else
                        text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
        text.Append('"');
        if (truncated)
            text.Append("...");
        return text.ToString();
    }

    /// <summary>Every byte as \xNN.</summary>
    public static string QuoteHex(ReadOnlySpan<byte> bytes, bool truncated)
    {
        var text = new StringBuilder(bytes.Length * 4 + 6);
        text.Append('"');
        foreach (var b in bytes)
            text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        text.Append('"');
        if (truncated)
            text.Append("...");
        return text.ToString();
    }
}
