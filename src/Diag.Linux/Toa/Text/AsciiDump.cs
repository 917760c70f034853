namespace Diag.Linux.Toa.Text;

/// <summary>
/// The packet bytes that <c>tcpdump -A</c> prints after a packet's lines (print-ascii.c ascii_print): every
/// byte from the IP header on as itself when printable, a tab or a newline, else as a dot; a CR before a LF is
/// dropped. The payload thus starts lines of its own, anywhere, with any text (an HTTP header, a line that reads
/// like a packet or an option): none of it is a packet or an option. A line is taken as the next packet's only
/// when it begins like the stream's packet lines and the dump so far can hold the bytes the packet's own lines
/// announced (its IP total length with -v, else the minimal IP and TCP or UDP headers plus its payload length).
/// </summary>
internal sealed class AsciiDump
{
    private long _characters;
    private long _lines;
    private long _expectedBytes;

    /// <summary>True once the stream is known to be <c>-A</c> text.</summary>
    public bool StreamHasDumps { get; private set; }

    /// <summary>True while the lines read belong to a packet's dump.</summary>
    public bool InDump { get; private set; }

    /// <summary>Starts a packet's dump; <paramref name="expectedBytes"/> is what its lines announced (0: unknown).</summary>
    public void Begin(long expectedBytes)
    {
        StreamHasDumps = true;
        InDump = true;
        _characters = 0;
        _lines = 0;
        _expectedBytes = expectedBytes;
    }

    public void Add(ReadOnlySpan<char> line)
    {
        _characters += line.Length;
        _lines++;
    }

    public void End() => InDump = false;

    /// <summary>True when the dump so far may hold the whole packet: each line break is a LF, perhaps after a
    /// dropped CR, and two more CRs may have been dropped at the end.</summary>
    public bool MayBeComplete => _characters + 2 * Math.Max(0, _lines - 1) + 2 >= _expectedBytes;

    /// <summary>True when <paramref name="line"/> begins as the dump of an IPv4 or IPv6 header does: the version
    /// and header length byte (0x45 to 0x4f: 'E' to 'O'), or the version and traffic class (0x60 to 0x6f: '`' to 'o').</summary>
    public static bool StartsLikeIpHeader(ReadOnlySpan<char> line, bool ipv6) =>
        !line.IsEmpty && (ipv6 ? line[0] is >= '`' and <= 'o' : line[0] is >= 'E' and <= 'O');
}
