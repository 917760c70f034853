using System.Globalization;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>strace's ways of printing plain numbers.</summary>
internal static class NumberText
{
    public static string Hex(ulong value) =>
        value == 0 ? "0" : "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    public static string Pointer(ulong value) => value == 0 ? "NULL" : Hex(value);

    public static string Int(ulong value) => ((int)(uint)value).ToString(CultureInfo.InvariantCulture);

    public static string UInt(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Long(ulong value) => ((long)value).ToString(CultureInfo.InvariantCulture);

    /// <summary>File modes: 0644, and 000 for zero, as strace prints them.</summary>
    public static string Octal(ulong value) => "0" + Convert.ToString((long)(value & 0xFFFFFFFF), 8).PadLeft(2, '0');
}
