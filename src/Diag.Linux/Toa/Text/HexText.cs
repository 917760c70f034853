namespace Diag.Linux.Toa.Text;

/// <summary>Hex digits in tcpdump's text, read without allocating.</summary>
internal static class HexText
{
    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static bool IsHex(ReadOnlySpan<char> text) => !text.IsEmpty && text.IndexOfAnyExcept(Digits) < 0;

    /// <summary>True when <paramref name="text"/> holds a character that is not a hex digit.</summary>
    public static bool HasNonHex(ReadOnlySpan<char> text) => text.IndexOfAnyExcept(Digits) >= 0;

    /// <summary>Decodes an even number of hex digits into <paramref name="bytes"/> (half as long); false at a non-hex character.</summary>
    public static bool TryDecode(ReadOnlySpan<char> hex, Span<byte> bytes)
    {
        for (int i = 0; i + 1 < hex.Length; i += 2)
        {
            int high = Value(hex[i]), low = Value(hex[i + 1]);
            if (high < 0 || low < 0) return false;
            bytes[i / 2] = (byte)(high << 4 | low);
        }
        return true;
    }

    private static int Value(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
