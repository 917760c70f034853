namespace Diag.Linux.Toa.Text;

/// <summary>
/// Finds the options of TOA kinds in a line of tcpdump output, in every spelling tcpdump has used
/// (the-tcpdump-group/tcpdump print-tcp.c):
/// <list type="bullet">
/// <item>3.x to 3.9.8: options in <c>&lt;…&gt;</c>, an unknown one as <c>opt-%u:</c> and its data as hex
/// (<c>opt-200:30390a0a0101</c>; 3.7 and earlier printed <c>opt-%d:</c>, the same text);</item>
/// <item>4.0.0 to 4.4.0: options in <c>[…]</c> (commit 9427d40c, 2007), an unknown one as
/// <c>tok2str(…, "Unknown Option %u")</c> followed at once by its hex (<c>Unknown Option 20030390a0a0101</c>),
/// so the decimal kind runs into the data: it is split at the kind whose layout length fits;</item>
/// <item>4.5.0 and later: <c>unknown-%u 0x…</c> (commit 58e0619c, 2013: <c>unknown-200 0x30390a0a0101</c>), and kind
/// 254 read as an RFC 6994 experimental option (commit b0614b45, 2013): <c>exp-%04x</c> of its first two
/// data bytes, the rest dropped (<c>exp-3039</c>), or with experiment id f989 as TCP Fast Open,
/// <c>exp-tfo cookie &lt;hex&gt;</c> (4.99.3 prints the same).</item>
/// </list>
/// When the capture ends inside the options, tcpdump prints what it had and then <c>[|tcp]</c>
/// (<c>unknown-200 0x3039 [|tcp]</c>); such an option is marked cut.
/// </summary>
internal static class TcpdumpOptionText
{
    private const string Unknown45 = "unknown", Experimental = "exp", Unknown39 = "opt", Unknown40 = "Unknown Option ";
    private const int FastOpenPort = 0xf989;

    /// <summary>Adds the options of TOA kinds in <paramref name="line"/> to <paramref name="found"/>.</summary>
    public static void Find(ReadOnlySpan<char> line, ToaKindMap map, List<TextOption> found)
    {
        int from = 0;
        while (from < line.Length)
        {
            int hit = line[from..].IndexOfAny('-', 'U');
            if (hit < 0) return;
            int at = from + hit;
            if (line[at] == '-')
            {
                if (IsWordBefore(line, at, Unknown45)) ReadKindThenHex(line, at + 1, " 0x", map, found);
                else if (IsWordBefore(line, at, Unknown39)) ReadKindThenHex(line, at + 1, ":", map, found);
                else if (IsWordBefore(line, at, Experimental)) ReadExperimental(line, at + 1, map, found);
            }
            else if (line[at..].StartsWith(Unknown40, StringComparison.Ordinal) && (at == 0 || IsDelimiter(line[at - 1])))
            {
                ReadKindRunIntoHex(line, at + Unknown40.Length, map, found);
            }
            from = at + 1;
        }
    }

    /// <summary>The index of the first option token, for bounding the search for the endpoints.</summary>
    public static int FirstPosition(List<TextOption> found) => found.Count == 0 ? -1 : found[0].Position;

    private static bool IsWordBefore(ReadOnlySpan<char> line, int dash, string word)
    {
        int start = dash - word.Length;
        return start >= 0 && line[start..dash].SequenceEqual(word) && (start == 0 || IsDelimiter(line[start - 1]));
    }

    private static bool IsDelimiter(char c) => c is '[' or ',' or '<' or ' ' or '\t';

    /// <summary>The end of an option's text: the list's separator or closer.</summary>
    private static bool IsOptionEnd(char c) => c is ',' or ']' or '>' or ' ' or '\t' or '[';

    private static int RunEnd(ReadOnlySpan<char> line, int start)
    {
        int end = start;
        while (end < line.Length && !IsOptionEnd(line[end])) end++;
        return end;
    }

    /// <summary>True when tcpdump's truncation mark follows the option's text at <paramref name="end"/>.</summary>
    private static bool CutAt(ReadOnlySpan<char> line, int end)
    {
        var rest = line[end..];
        if (rest.StartsWith(" ", StringComparison.Ordinal)) rest = rest[1..];
        return rest.StartsWith(TruncationMark, StringComparison.Ordinal);
    }

    /// <summary>What tcpdump prints where the captured bytes end inside a TCP header (nd_print_trunc).</summary>
    public const string TruncationMark = "[|tcp]";

    /// <summary>4.5+ <c>unknown-KIND 0xHEX</c> and 3.x <c>opt-KIND:HEX</c>.</summary>
    private static void ReadKindThenHex(ReadOnlySpan<char> line, int start, string separator, ToaKindMap map, List<TextOption> found)
    {
        int i = start, kind = 0;
        while (i < line.Length && i - start < 3 && char.IsAsciiDigit(line[i])) kind = kind * 10 + (line[i++] - '0');
        if (i == start || (i < line.Length && char.IsAsciiDigit(line[i])) || !map.IsToaKind(kind)) return;
        int hexStart = i, hexEnd = i;
        if (line[i..].StartsWith(separator, StringComparison.Ordinal))
        {
            hexStart = i + separator.Length;
            hexEnd = RunEnd(line, hexStart);
        }
        // No separator: an option with no data (tcpdump prints no " 0x" then), which no TOA layout fits.
        found.Add(new TextOption(kind, TextOptionForm.Hex, hexStart, hexEnd - hexStart, 0, start, CutAt(line, hexEnd)));
    }

    /// <summary>4.5+ kind 254: <c>exp-3039</c>, or <c>exp-tfo cookie HEX</c> when the port is f989.</summary>
    private static void ReadExperimental(ReadOnlySpan<char> line, int start, ToaKindMap map, List<TextOption> found)
    {
        const int Kind = 254;
        if (!map.IsToaKind(Kind)) return;
        var rest = line[start..];
        if (rest.Length >= 4 && HexText.IsHex(rest[..4]) && (rest.Length == 4 || IsOptionEnd(rest[4])))
        {
            found.Add(new TextOption(Kind, TextOptionForm.PortOnly, 0, 0, int.Parse(rest[..4], System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture), start,
                CutAt(line, start + 4)));
            return;
        }
        const string Cookie = "tfo cookie ";
        if (rest.StartsWith(Cookie, StringComparison.Ordinal))
        {
            int hexStart = start + Cookie.Length;
            int hexEnd = RunEnd(line, hexStart);
            found.Add(new TextOption(Kind, TextOptionForm.FastOpenCookie, hexStart, hexEnd - hexStart, FastOpenPort, start, CutAt(line, hexEnd)));
        }
        // "exp-tfo cookiereq", "exp-tfo (invalid)", "exp-tfo malformed": a real TCP Fast Open option, not a TOA.
    }

    /// <summary>4.0–4.4 <c>Unknown Option KINDHEX</c>: the decimal kind runs into the hex. The split is
    /// the longest kind prefix that is a TOA kind whose layout length the rest fits; failing that, the
    /// longest TOA-kind prefix (so that a wrong length is reported against it).</summary>
    private static void ReadKindRunIntoHex(ReadOnlySpan<char> line, int start, ToaKindMap map, List<TextOption> found)
    {
        int end = RunEnd(line, start);
        var run = line[start..end];
        int bestFit = -1, bestKindOnly = -1, kind = 0;
        for (int digits = 1; digits <= 3 && digits <= run.Length && char.IsAsciiDigit(run[digits - 1]); digits++)
        {
            kind = kind * 10 + (run[digits - 1] - '0');
            if (!map.IsToaKind(kind)) continue;
            int rest = run.Length - digits;
            if (rest % 2 == 0 && map.TryMatch(kind, rest / 2 + 2, out _)) bestFit = digits;
            bestKindOnly = digits;
        }
        int split = bestFit > 0 ? bestFit : bestKindOnly;
        if (split <= 0) return;
        int k = int.Parse(run[..split], provider: System.Globalization.CultureInfo.InvariantCulture);
        found.Add(new TextOption(k, TextOptionForm.Hex, start + split, run.Length - split, 0, start - Unknown40.Length, CutAt(line, end)));
    }
}
