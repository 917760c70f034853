namespace Diag.Linux.Toa;

/// <summary>An option of a TOA kind that could not be decoded.</summary>
/// <param name="Kind">Its kind.</param>
/// <param name="Length">Its length byte.</param>
/// <param name="Cut">True when the capture ends inside it (snaplen), false when its length is wrong for the kind.</param>
internal readonly record struct BadToa(int Kind, int Length, bool Cut);

/// <summary>
/// Walks a TCP header's options as the kernel does (tcp_parse_options, and every toa module's copy of
/// it): EOL ends the list, NOP is one byte, every other option has a length byte counting kind and
/// length. Collects the options whose kind the <see cref="ToaKindMap"/> maps.
/// </summary>
internal static class TcpOptionWalker
{
    /// <summary>Walks <paramref name="options"/> (the captured option bytes; <paramref name="declaredLength"/>
    /// is how many the header declares). Returns true when the options were cut by the capture in a way
    /// that may hide a TOA.</summary>
    public static bool Walk(ReadOnlySpan<byte> options, int declaredLength, ToaKindMap map, List<ToaOption> found, List<BadToa> bad)
    {
        int i = 0;
        while (i < options.Length)
        {
            int kind = options[i];
            if (kind == 0) return false;            // EOL
            if (kind == 1) { i++; continue; }       // NOP
            if (i + 1 >= options.Length) return declaredLength > options.Length;
            int length = options[i + 1];
            if (length < 2) return false;           // malformed: the kernel stops here too
            if (i + length > options.Length)
            {
                if (i + length <= declaredLength)
                {
                    // Cut by the capture length: a TOA kind is surely lost, another may hide one behind it.
                    if (map.IsToaKind(kind)) bad.Add(new BadToa(kind, length, Cut: true));
                    return true;
                }
                if (map.IsToaKind(kind)) bad.Add(new BadToa(kind, length, Cut: false));
                return false;                       // runs past the header: malformed
            }
            if (map.IsToaKind(kind))
            {
                if (map.TryMatch(kind, length, out var variant))
                    found.Add(ToaOption.Decode(kind, variant, options.Slice(i + 2, length - 2)));
                else if (!IsFastOpenExperiment(kind, options[(i + 2)..(i + length)]))
                    bad.Add(new BadToa(kind, length, Cut: false));
            }
            i += length;
        }
        return declaredLength > options.Length;
    }

    /// <summary>Kind 254 with experiment id 0xf989 is TCP Fast Open's pre-RFC 7413 option (RFC 6994 ExID):
    /// clients send it as a cookie request or cookie, so at a length no TOA has it is not a broken TOA.</summary>
    internal static bool IsFastOpenExperiment(int kind, ReadOnlySpan<byte> data) =>
        kind == 254 && data.Length >= 2 && data[0] == 0xf9 && data[1] == 0x89;
}
