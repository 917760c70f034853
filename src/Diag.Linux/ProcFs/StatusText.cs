namespace Diag.Linux.ProcFs;

/// <summary>
/// Field lookup in <c>/proc/PID/status</c>-style text ("Key:\tvalue" lines): each key found by a vectorized search
/// instead of walking the ~55 lines. The one parser of status files: the sampler's counters
/// (<see cref="TaskStatusFields"/>), a task's identity (<see cref="TaskStatusFile"/>), credentials and capabilities.
/// </summary>
internal static class StatusText
{
    /// <summary>The rest of the line after <paramref name="key"/> (given with its leading newline and colon, e.g.
    /// <c>"\nTgid:"</c>; the first line of the file, Name:, is matched without the newline), empty when absent.</summary>
    public static ReadOnlySpan<byte> ValueOf(ReadOnlySpan<byte> content, ReadOnlySpan<byte> key)
    {
        int at = content.IndexOf(key);
        if (at < 0)
        {
            if (key.Length < 2 || key[0] != (byte)'\n' || !content.StartsWith(key[1..])) return default;
            at = -1; // the first line
        }
        var value = content[(at + key.Length)..];
        int eol = value.IndexOf((byte)'\n');
        return eol < 0 ? value : value[..eol];
    }

    /// <summary>True when the key is present at all (some lines exist only on newer kernels).</summary>
    public static bool Has(ReadOnlySpan<byte> content, ReadOnlySpan<byte> key) => content.IndexOf(key) >= 0;

    /// <summary>The first decimal number of a value, 0 when none.</summary>
    public static long FirstNumber(ReadOnlySpan<byte> value)
    {
        value = value.TrimStart(" \t"u8);
        ProcNumber.Parse(value, out long n);
        return n;
    }

    /// <summary>The last decimal number of a value (NSpid's innermost ID), 0 when none.</summary>
    public static long LastNumber(ReadOnlySpan<byte> value)
    {
        value = value.TrimEnd(" \t"u8);
        int start = value.LastIndexOfAny(" \t"u8) + 1;
        ProcNumber.Parse(value[start..], out long n);
        return n;
    }

    /// <summary>How many numbers a value lists (NSpid: one per PID namespace level).</summary>
    public static int CountNumbers(ReadOnlySpan<byte> value)
    {
        int count = 0;
        bool inNumber = false;
        foreach (byte b in value)
        {
            bool digit = (uint)(b - '0') <= 9;
            if (digit && !inNumber) count++;
            inNumber = digit;
        }
        return count;
    }

    /// <summary>Every decimal number of a value (Uid:, Gid:, Groups:).</summary>
    public static uint[] Numbers(ReadOnlySpan<byte> value)
    {
        var numbers = new List<uint>();
        ulong current = 0;
        bool inNumber = false;
        foreach (byte b in value)
        {
            if ((uint)(b - '0') <= 9)
            {
                current = current * 10 + (uint)(b - '0');
                inNumber = true;
            }
            else if (inNumber)
            {
                numbers.Add((uint)current);
                current = 0;
                inNumber = false;
            }
        }
        if (inNumber) numbers.Add((uint)current);
        return numbers.ToArray();
    }

    /// <summary>A hexadecimal value (the Cap* lines), 0 when absent or malformed.</summary>
    public static ulong Hex(ReadOnlySpan<byte> value)
    {
        value = value.Trim(" \t"u8);
        ulong n = 0;
        foreach (byte b in value)
        {
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0) return 0;
            n = n << 4 | (uint)digit;
        }
        return n;
    }
}
