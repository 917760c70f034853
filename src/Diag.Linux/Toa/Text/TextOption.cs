namespace Diag.Linux.Toa.Text;

/// <summary>How tcpdump spelled an option of a TOA kind.</summary>
internal enum TextOptionForm
{
    /// <summary>The data as hex: <c>unknown-200 0x30390a0a0101</c> (4.5+), <c>Unknown Option 20030390a0a0101</c> (4.0–4.4), <c>opt-200:30390a0a0101</c> (3.x).</summary>
    Hex,

    /// <summary><c>exp-3039</c>: kind 254 printed as an RFC 6994 experimental option, only its first two data bytes (4.5+).</summary>
    PortOnly,

    /// <summary><c>exp-tfo cookie 0a0a0103</c>: kind 254 whose first two data bytes are f989 (port 63881), read by tcpdump as TCP Fast Open; the hex is the rest of the data.</summary>
    FastOpenCookie,
}

/// <summary>One option of a TOA kind found in a tcpdump line; the hex is <c>line[HexStart..HexStart+HexLength]</c>.
/// <see cref="Cut"/> when tcpdump ran out of captured bytes inside it and said so (<c>unknown-200 0x3039 [|tcp]</c>):
/// its hex is only the part that was captured.</summary>
internal readonly record struct TextOption(int Kind, TextOptionForm Form, int HexStart, int HexLength, int Port, int Position, bool Cut = false);
