namespace Diag.Linux.ProcFs;

/// <summary>Parses the unsigned and signed decimal numbers /proc writes, straight from bytes.</summary>
internal static class ProcNumber
{
    /// <summary>Parses the decimal number at the start of <paramref name="text"/> (optional '-');
    /// returns how many bytes it used, 0 when there is no number.</summary>
    public static int Parse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        int i = 0;
        bool negative = false;
        if (i < text.Length && text[i] == (byte)'-') { negative = true; i++; }
        int digitsStart = i;
        while (i < text.Length && (uint)(text[i] - '0') <= 9)
        {
            value = unchecked(value * 10 + (text[i] - '0'));
            i++;
        }
        if (i == digitsStart) { value = 0; return 0; }
        if (negative) value = -value;
        return i;
    }

    /// <summary>Parses a hexadecimal number with or without a 0x prefix.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.Length > 2 && text[0] == (byte)'0' && (text[1] == (byte)'x' || text[1] == (byte)'X')) text = text[2..];
        if (text.IsEmpty) return false;
        foreach (byte b in text)
        {
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0) return false;
            value = unchecked(value * 16 + (ulong)digit);
        }
        return true;
    }

    /// <summary>Removes trailing newlines and NULs.</summary>
    public static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> text)
    {
        int end = text.Length;
        while (end > 0 && (text[end - 1] == (byte)'\n' || text[end - 1] == 0)) end--;
        return text[..end];
    }
}
