using System.Globalization;
using System.Net;

namespace Diag.Linux.Toa.Text;

/// <summary>
/// Decodes the TOAs in tcpdump's text output, streamed line by line as a pipeline delivers it.
/// <para>
/// A packet starts at a line that does not start with white space (the time, or with <c>-#</c> its
/// number); lines that start with white space continue it: the TCP line of <c>-v</c> IPv4 output,
/// and the hex dump of <c>-x</c>/<c>-xx</c>/<c>-X</c>. A packet whose options the text shows in full is
/// emitted as soon as its TCP line is read: a hex dump cannot add to it, and a live
/// <c>tcpdump -l</c> user sees it at once. Kind 254 printed as <c>exp-3039</c> (tcpdump 4.5+) lacks the
/// address: such a packet waits for its hex dump, and is emitted as soon as the dump holds the whole
/// TCP header, or, when the packet ends without one, with the port only. Once a packet has ended
/// without a hex dump the stream is known to have none, and later port-only packets are emitted at once.
/// </para>
/// </summary>
public sealed class TcpdumpTextDecoder
{
    private readonly ToaKindMap _map;
    private readonly ServiceNames _services;
    private readonly List<TextOption> _textOptions = new();
    private readonly List<ToaOption> _options = new();
    private readonly List<BadToa> _bad = new();
    private readonly HexDumpPacket _hex = new();

    private long _line;
    private long _packet;
    private bool _hexEverSeen, _provenNoHex, _portOnlyWarned, _namesWarned;

    // The packet being read.
    private bool _inPacket;
    private string? _headerText;
    private int _headerStart, _headerLength;
    private DateTime? _timestamp;
    private bool _timestampParsed;
    private bool _packetHadHex;
    private bool _needHex;
    private readonly List<ToaOption> _pending = new();
    private TextEndpoints _endpoints;
    private long _optionLine;
    private string? _optionText;           // the line the options were read from (for error records), not copied until needed
    private int _optionStart, _optionLength;
    private readonly HashSet<int> _kindsFromText = new(); // kinds of this packet already emitted or reported from its text

    public TcpdumpTextDecoder(ToaKindMap map) : this(map, new ServiceNames()) { }

    internal TcpdumpTextDecoder(ToaKindMap map, ServiceNames services)
    {
        _map = map;
        _services = services;
    }

    /// <summary>Lines read so far.</summary>
    public long Lines => _line;

    /// <summary>Reads one string of input: one line, or several separated by newlines (Get-Content -Raw).
    /// What it completes is added to <paramref name="output"/>: <see cref="ToaRecord"/>s, <see cref="ToaProblem"/>s, <see cref="ToaNotice"/>s.</summary>
    public void Push(string? text, List<object> output)
    {
        if (text is null) return;
        int start = 0;
        while (true)
        {
            int newline = text.IndexOf('\n', start);
            int end = newline < 0 ? text.Length : newline;
            // "a\nb\n" is two lines; "" is one (an empty line of Get-Content).
            if (newline >= 0 || start < text.Length || start == 0)
            {
                int length = end - start;
                if (length > 0 && text[start + length - 1] == '\r') length--;
                Line(text, start, length, output);
            }
            if (newline < 0) return;
            start = newline + 1;
        }
    }

    /// <summary>The end of the input: completes the last packet.</summary>
    public void Complete(List<object> output) => FinishPacket(output);

    private void Line(string text, int start, int length, List<object> output)
    {
        _line++;
        var line = text.AsSpan(start, length);
        if (line.IsEmpty) return;
        char first = line[0];
        if (first is ' ' or '\t')
        {
            var trimmed = line.TrimStart();
            if (trimmed.IsEmpty) return;
            if (HexDumpLine.Looks(trimmed)) // a tab before it as tcpdump prints it, or spaces where a copy turned the tab into them
            {
                HexLine(trimmed, text, start, length, output);
                return;
            }
            if (first == ' ' && char.IsAsciiDigit(trimmed[0]) && TcpdumpTimestamp.SkipPacketNumber(trimmed).Length != trimmed.Length)
            {
                Header(text, start, length, output); // -# numbers the packet: "    1  12:00:00.000000 IP …"
                return;
            }
            if (!_inPacket) StartPacket(text, start, length, output);
            Content(text, start, length, output);
            return;
        }
        if (IsTcpdumpChatter(line)) return;
        Header(text, start, length, output);
    }

    /// <summary>What tcpdump writes to standard error, when 2>&amp;1 brings it along: not packets.</summary>
    private static bool IsTcpdumpChatter(ReadOnlySpan<char> line)
    {
        switch (line[0])
        {
            case 'r': return line.StartsWith("reading from file ", StringComparison.Ordinal);
            case 'l': return line.StartsWith("listening on ", StringComparison.Ordinal);
            case 't': return line.StartsWith("tcpdump: ", StringComparison.Ordinal);
            case 'd': return line.StartsWith("dropped privs", StringComparison.Ordinal);
            default:
                // "12 packets captured", "1 packet received by filter", "0 packets dropped by kernel"
                int i = 0;
                while (i < line.Length && char.IsAsciiDigit(line[i])) i++;
                return i > 0 && line[i..].StartsWith(" packet", StringComparison.Ordinal);
        }
    }

    private void Header(string text, int start, int length, List<object> output)
    {
        StartPacket(text, start, length, output);
        Content(text, start, length, output);
    }

    /// <summary>Ends the packet being read (writing what it still holds) and starts the next.</summary>
    private void StartPacket(string text, int start, int length, List<object> output)
    {
        FinishPacket(output);
        _packet++;
        _inPacket = true;
        _headerText = text;
        _headerStart = start;
        _headerLength = length;
        _timestampParsed = false;
        _timestamp = null;
        _packetHadHex = false;
        _needHex = false;
        _pending.Clear();
        _kindsFromText.Clear();
        _endpoints = default;
        _optionLine = _line;
        _optionText = null;
        _hex.Clear();
    }

    /// <summary>A packet line or a continuation of it: finds the options of TOA kinds and decodes them.</summary>
    private void Content(string text, int start, int length, List<object> output)
    {
        var line = text.AsSpan(start, length);
        _textOptions.Clear();
        TcpdumpOptionText.Find(line, _map, _textOptions);
        if (_textOptions.Count == 0)
        {
            // A kind tcpdump prints by name (when -OptionKind maps one) shows its data only in a hex dump.
            if (_map.HasKindsTcpdumpNamesOtherThanExp && line.Contains("options [", StringComparison.Ordinal))
            {
                NoteEndpoints(line, line.IndexOf("options [", StringComparison.Ordinal), text, start, length, output);
                _needHex = true;
            }
            return;
        }

        NoteEndpoints(line, TcpdumpOptionText.FirstPosition(_textOptions), text, start, length, output);
        _options.Clear();
        bool portOnly = false;
        foreach (var option in _textOptions)
        {
            if (option.Form == TextOptionForm.PortOnly)
            {
                var o = ToaOption.PortOnly(option.Kind, option.Port, _map);
                _options.Add(o);
                portOnly = true;
                continue;
            }
            if (TryDecodeHex(line, option, output, out var decoded) && decoded is { } d) _options.Add(d);
        }
        if (_options.Count == 0) return;
        if (!portOnly)
        {
            Emit(_options, output);
            return;
        }
        if (_provenNoHex)
        {
            WarnPortOnly(output);
            Emit(_options, output);
            return;
        }
        _pending.AddRange(_options); // wait for a hex dump, or the end of the packet
        _needHex = true;
    }

    private void NoteEndpoints(ReadOnlySpan<char> line, int limit, string text, int start, int length, List<object> output)
    {
        _optionLine = _line;
        (_optionText, _optionStart, _optionLength) = (text, start, length);
        var endpoints = TextEndpoints.Find(line, limit, _services);
        if (endpoints.Source is not null || endpoints.Destination is not null || endpoints.SourcePort is not null) _endpoints = endpoints;
        if (endpoints.Names && !_namesWarned)
        {
            _namesWarned = true;
            output.Add(new ToaNotice
            {
                Kind = ToaNoticeKind.NamesInsteadOfNumbers,
                Message = $"Line {Num(_line)}: tcpdump printed host or port names instead of numbers, so Source and Destination " +
                          "(and ports not found in /etc/services) are empty. Run tcpdump with -nn.",
            });
        }
    }

    /// <summary>Decodes the hex of one option; a problem for hex that is not hex or a length no layout of the kind has.</summary>
    private bool TryDecodeHex(ReadOnlySpan<char> line, TextOption option, List<object> output, out ToaOption? decoded)
    {
        decoded = null;
        var hex = line.Slice(option.HexStart, option.HexLength);
        Span<byte> data = stackalloc byte[2 + 128];
        int prefix = 0;
        if (option.Form == TextOptionForm.FastOpenCookie)
        {
            data[0] = 0xf9;
            data[1] = 0x89;
            prefix = 2;
        }
        if (hex.Length % 2 != 0 || hex.Length / 2 > 128 || !HexText.TryDecode(hex, data[prefix..]))
        {
            _kindsFromText.Add(option.Kind); // reported here: the hex dump does not report it again
            output.Add(LineProblem(ToaProblemKind.InvalidHex,
                $"option kind {option.Kind} has data '{hex}', which is not whole bytes of hex ({(hex.Length % 2 != 0 ? "an odd number of digits" : "other characters")})"));
            return false;
        }
        var bytes = data[..(prefix + hex.Length / 2)];
        if (_map.TryMatch(option.Kind, bytes.Length + 2, out var variant))
        {
            decoded = ToaOption.Decode(option.Kind, variant, bytes);
            return true;
        }
        if (TcpOptionWalker.IsFastOpenExperiment(option.Kind, bytes)) return false;
        _kindsFromText.Add(option.Kind);
        output.Add(LineProblem(ToaProblemKind.WrongLength, ToaRecordBuilder.Describe(new BadToa(option.Kind, bytes.Length + 2, Cut: false), _map)));
        return false;
    }

    private void HexLine(ReadOnlySpan<char> trimmed, string text, int start, int length, List<object> output)
    {
        _hexEverSeen = true;
        _packetHadHex = true;
        if (!_inPacket || !_needHex || _hex.Broken) return;
        if (!_hex.Add(trimmed))
        {
            output.Add(new ToaProblem
            {
                Kind = ToaProblemKind.InvalidHex, LineNumber = _line, PacketNumber = _packet, Line = text.Substring(start, length),
                Message = $"Line {Num(_line)} (packet {Num(_packet)}): the hex dump line is not whole bytes of hex; the packet's hex dump is not used.",
            });
            return;
        }
        TryHexPacket(final: false, output);
    }

    /// <summary>Decodes the packet from its hex dump once the dump holds its TCP header.</summary>
    private void TryHexPacket(bool final, List<object> output)
    {
        if (_hex.Count == 0 || _hex.Broken) return;
        if (_hex.TryParse(_endpoints.Source, _endpoints.Destination, final, out var segment) != SegmentStatus.Tcp) return;
        _options.Clear();
        _bad.Clear();
        TcpOptionWalker.Walk(segment.Options, segment.DeclaredOptionsLength, _map, _options, _bad);
        // What the text already gave (and was emitted, or reported) is not repeated.
        _options.RemoveAll(o => o.Kind is { } k && _kindsFromText.Contains(k));
        if (_options.Count == 0)
        {
            _needHex = false;
            return;
        }
        foreach (var bad in _bad)
        {
            if (!bad.Cut && !_kindsFromText.Contains(bad.Kind))
                output.Add(LineProblem(ToaProblemKind.WrongLength, ToaRecordBuilder.Describe(bad, _map)));
        }
        var context = new PacketContext(Timestamp(), new IPAddress(segment.SourceAddress), segment.SourcePort,
            new IPAddress(segment.DestinationAddress), segment.DestinationPort, _optionLine, null, _packet);
        ToaRecordBuilder.Add(context, _options, output);
        _pending.Clear();
        _needHex = false;
    }

    private void FinishPacket(List<object> output)
    {
        if (!_inPacket) return;
        if (_needHex && _hex.Count > 0) TryHexPacket(final: true, output);
        if (_pending.Count > 0)
        {
            WarnPortOnly(output);
            Emit(_pending, output);
            _pending.Clear();
        }
        if (!_packetHadHex && !_hexEverSeen) _provenNoHex = true;
        _inPacket = false;
        _headerText = null;
        _optionText = null;
    }

    private void Emit(List<ToaOption> options, List<object> output)
    {
        foreach (var o in options) if (o.Kind is { } k) _kindsFromText.Add(k);
        var context = new PacketContext(Timestamp(), _endpoints.Source, _endpoints.SourcePort, _endpoints.Destination, _endpoints.DestinationPort,
            _optionLine, null, _packet);
        ToaRecordBuilder.Add(context, options, output);
    }

    private void WarnPortOnly(List<object> output)
    {
        if (_portOnlyWarned) return;
        _portOnlyWarned = true;
        output.Add(new ToaNotice
        {
            Kind = ToaNoticeKind.PortOnly,
            Message = $"Line {Num(_optionLine)}: tcpdump printed kind 254 as an RFC 6994 experimental option ('exp-…', tcpdump 4.5 and later) and left out " +
                      "the client address: such records have the client port only (Variant PortOnly). Add -x to the tcpdump command (its hex dump " +
                      "has the whole option), or capture to a file (tcpdump -w FILE) and read it with ConvertFrom-Toa -Path FILE.",
        });
    }

    private DateTime? Timestamp()
    {
        if (!_timestampParsed && _headerText is not null)
        {
            _timestamp = TcpdumpTimestamp.Parse(_headerText.AsSpan(_headerStart, _headerLength));
            _timestampParsed = true;
        }
        return _timestamp;
    }

    private ToaProblem LineProblem(ToaProblemKind kind, string what) => new()
    {
        Kind = kind, LineNumber = _line, PacketNumber = _packet, Line = _optionText?.Substring(_optionStart, _optionLength),
        Message = $"Line {Num(_line)} (packet {Num(_packet)}): {what}.",
    };

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
