using System.Globalization;
using System.Net;

namespace Diag.Linux.Toa.Text;

/// <summary>
/// Decodes the TOAs in tcpdump's text output, streamed line by line as a pipeline delivers it.
/// <para>
/// A packet starts at a line that does not start with white space (the time, or with <c>-#</c> its
/// number); lines that start with white space continue it: the TCP line of <c>-v</c> IPv4 output,
/// and the hex dump of <c>-x</c>/<c>-xx</c>/<c>-X</c>. Lines that protocol printers add after the TCP line
/// (the HTTP request <c>-v</c> prints) and the payload that <c>-A</c> prints are not read for options. A packet
/// whose options the text shows in full is emitted as soon as its TCP line is read: a hex dump cannot add to it,
/// and a live <c>tcpdump -l</c> user sees it at once. Kind 254 printed as <c>exp-3039</c> (tcpdump 4.5+) lacks the
/// address: such a packet waits for its hex dump, and is emitted as soon as the dump holds the whole TCP header,
/// or, when the packet ends without one, with the port only. Once a packet has ended without a hex dump the
/// stream is known to have none, and later port-only packets are emitted at once.
/// </para>
/// <para>
/// A hex dump is read as a capture file is (<see cref="TcpOptionWalker"/>): where it has the packet's TCP header,
/// its bytes decide what the text could not tell, so text with <c>-x</c> and the capture file agree. An option
/// printed as a registered experiment (<c>exp-acc0</c>) is that experiment, a TOA only when its bytes say so.
/// </para>
/// </summary>
public sealed class TcpdumpTextDecoder
{
    private readonly ToaKindMap _map;
    private readonly ServiceNames _services;
    private readonly List<TextOption> _textOptions = new();
    private readonly List<ToaOption> _options = new();
    private readonly OptionScan _scan = new();
    private readonly HexDumpPacket _hex = new();
    private readonly AsciiDump _ascii = new();
    private readonly HashSet<uint> _reportedExperiments = new();

    private long _line;
    private long _packet;
    private bool _hexEverSeen, _provenNoHex, _portOnlyWarned, _namesWarned, _cutWarned;
    private PacketLineShape? _shape;       // how this stream's packet lines begin, from the first one
    private long? _snapshotLength;         // from tcpdump's "reading from file …, snapshot length N", when it came along

    // The packet being read.
    private bool _inPacket;
    private string? _headerText;
    private int _headerStart, _headerLength;
    private DateTime? _timestamp;
    private bool _timestampParsed;
    private bool _packetHadHex;
    private bool _needHex;
    private bool _hexDecided;              // the hex dump held the TCP header: its bytes decided the packet
    private bool _tcpLineSeen;             // later indented lines are payload that protocol printers add
    private bool _textCut;                 // tcpdump printed [|tcp] inside the options
    private readonly PacketLines _packetLines = new();
    private readonly List<ToaOption> _pending = new();
    private readonly List<(int Kind, TcpExperiment Experiment)> _pendingExperiments = new();
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
        if (!line.IsEmpty && line[0] is '[' or ' ' && IsInvalidHeader(line))
        {
            InvalidHeader(text, start, length, output);
            return;
        }
        if (_ascii.InDump)
        {
            // -A: every line is the packet's bytes until one begins like a packet line where the packet may end.
            if (!IsNextPacketLine(line))
            {
                _ascii.Add(line);
                return;
            }
            _ascii.End();
            Header(text, start, length, output);
            return;
        }
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
            if (!_inPacket)
            {
                StartPacket(text, start, length, output);
                Content(text, start, length, output);
                return;
            }
            // -v: the TCP line continues the IP line. After it come lines that protocol printers add (an HTTP
            // request, indented by a tab), which are payload, whatever they look like.
            if (!_tcpLineSeen && !_packetLines.HasTcpLine)
            {
                _packetLines.Add(text, start, length);
                Content(text, start, length, output);
            }
            return;
        }
        if (IsTcpdumpChatter(line))
        {
            NoteChatter(line);
            return;
        }
        if (_inPacket && StartsAsciiDump(line))
        {
            _ascii.Begin(ExpectedDumpBytes());
            _ascii.Add(line);
            return;
        }
        Header(text, start, length, output);
    }

    /// <summary>tcpdump's line for a record whose captured length exceeds the packet's own (print.c), in place of the
    /// packet, after -#'s number: <c>[Invalid header: len(52) &lt; caplen(62)]</c>.</summary>
    private static bool IsInvalidHeader(ReadOnlySpan<char> line) =>
        TcpdumpTimestamp.SkipPacketNumber(line.TrimStart()).StartsWith("[Invalid header: ", StringComparison.Ordinal);

    /// <summary>A packet tcpdump did not print because its record is damaged: it counts, and it is an error, as with -Path.</summary>
    private void InvalidHeader(string text, int start, int length, List<object> output)
    {
        if (_ascii.InDump) _ascii.End();
        StartPacket(text, start, length, output);
        output.Add(new ToaProblem
        {
            Kind = ToaProblemKind.CorruptCapture, LineNumber = _line, PacketNumber = _packet,
            Line = TextExcerpt.Of(text.AsSpan(start, length)), LineLength = length,
            Message = $"Line {Num(_line)} (packet {Num(_packet)}): tcpdump printed {TextExcerpt.Of(text.AsSpan(start, length).Trim(), TextExcerpt.QuoteLimit)} " +
                      "instead of the packet: the capture's record of it claims more bytes than the packet had, so its TOA, if any, is not in the text. " +
                      "Reading the capture file with -Path reports the same record with its file offset.",
        });
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

    /// <summary>"reading from file X, link-type EN10MB (Ethernet), snapshot length 262144": packets are cut to that.</summary>
    private void NoteChatter(ReadOnlySpan<char> line)
    {
        const string Snapshot = "snapshot length ";
        int at = line.IndexOf(Snapshot, StringComparison.Ordinal);
        if (at < 0) return;
        var digits = line[(at + Snapshot.Length)..];
        int n = 0;
        while (n < digits.Length && n < 10 && char.IsAsciiDigit(digits[n])) n++;
        if (n > 0) _snapshotLength = long.Parse(digits[..n], NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>True when a line at the start of a row, inside a packet, is the first line of its -A dump.</summary>
    private bool StartsAsciiDump(ReadOnlySpan<char> line)
    {
        if (_ascii.StreamHasDumps) return !IsNextPacketLine(line, dumpSoFar: false);
        // Cheap first: a packet line starts with its time, not with an IP header's first byte.
        if (!AsciiDump.StartsLikeIpHeader(line, ipv6: false) && !AsciiDump.StartsLikeIpHeader(line, ipv6: true)) return false;
        return _packetLines.IsIp && !(_shape is { } shape && PacketLineShapes.Matches(line, shape)) && AsciiDump.StartsLikeIpHeader(line, _packetLines.IsIpv6);
    }

    /// <summary>True when, in -A text, <paramref name="line"/> is the next packet's first line rather than payload: it
    /// begins like the stream's packet lines, and either the dump may already hold the whole packet, or the capture
    /// may have cut the packet (-s) and the line's time does not go back before the packet's own.</summary>
    private bool IsNextPacketLine(ReadOnlySpan<char> line, bool dumpSoFar = true)
    {
        if (_shape is not { } shape) return true;
        if (!PacketLineShapes.Matches(line, shape)) return false;
        if (dumpSoFar ? _ascii.MayBeComplete : ExpectedDumpBytes() == 0) return true;
        return IsNotEarlier(line, shape);
    }

    /// <summary>True when the line's time is not before the current packet's (time of day may pass midnight); true
    /// when the times cannot be compared (-t, or deltas), since then only the shape can tell.</summary>
    private bool IsNotEarlier(ReadOnlySpan<char> line, PacketLineShape shape)
    {
        if (_headerText is null || !PacketLineShapes.TryReadTime(_headerText.AsSpan(_headerStart, _headerLength), shape, out long current)) return true;
        if (!PacketLineShapes.TryReadTime(line, shape, out long candidate)) return false;
        if (candidate >= current) return true;
        return shape == PacketLineShape.TimeOfDay && current - candidate > TimeSpan.TicksPerHour * 12; // the next day
    }

    /// <summary>The bytes the packet's own lines announced, which its -A dump holds unless the capture cut it.</summary>
    private long ExpectedDumpBytes() => _packetLines.ExpectedDumpBytes(_snapshotLength);

    private void Header(string text, int start, int length, List<object> output)
    {
        StartPacket(text, start, length, output);
        _shape ??= PacketLineShapes.Of(text.AsSpan(start, length));
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
        _hexDecided = false;
        _tcpLineSeen = false;
        _textCut = false;
        _packetLines.Clear();
        _packetLines.Add(text, start, length);
        _pending.Clear();
        _pendingExperiments.Clear();
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
        int optionsAt = OptionList(line);
        _textOptions.Clear();
        TcpdumpOptionText.Find(line, _map, _textOptions);
        if (_textOptions.Count == 0)
        {
            // A kind tcpdump prints by name (when -OptionKind maps one) shows its data only in a hex dump.
            if (optionsAt >= 0 && (_needHex || _map.HasKindsTcpdumpNamesOtherThanExp))
            {
                NoteEndpoints(line, optionsAt, text, start, length, output);
                _needHex = true;
            }
            return;
        }

        _tcpLineSeen = true;
        NoteEndpoints(line, TcpdumpOptionText.FirstPosition(_textOptions), text, start, length, output);
        _options.Clear();
        bool portOnly = false;
        foreach (var option in _textOptions)
        {
            if (option.Cut) continue; // only part of it was captured: the notice counts it, as for a capture file
            if (option.Form == TextOptionForm.PortOnly)
            {
                if (TcpExperiment.TryFindFirst16(option.Kind, option.Port, out var experiment))
                {
                    _pendingExperiments.Add((option.Kind, experiment)); // a TOA only if its bytes say so
                    continue;
                }
                _options.Add(ToaOption.PortOnly(option.Kind, option.Port, _map));
                portOnly = true;
                continue;
            }
            if (TryDecodeHex(line, option, output, out var decoded) && decoded is { } d) _options.Add(d);
        }
        bool waiting = portOnly || _pendingExperiments.Count > 0;
        if (waiting && !_provenNoHex)
        {
            if (portOnly) _pending.AddRange(_options); // wait for a hex dump, or the end of the packet
            else Emit(_options, output);
            _needHex = true;
            return;
        }
        if (portOnly) WarnPortOnly(output);
        if (_options.Count > 0) Emit(_options, output);
        ReportPendingExperiments(output);
    }

    /// <summary>Where the line's option list starts (<c>options [</c>), or -1; notes on the way what tcpdump printed
    /// inside it: [|tcp] where the capture ended inside the options, [bad opt] where an option's length runs past the
    /// header. Either way only a hex dump (or the capture file) tells what was there. One pass over the '[' of the line.</summary>
    private int OptionList(ReadOnlySpan<char> line)
    {
        const string Options = "options ";
        int optionsAt = -1;
        for (int i = line.IndexOf('['); i >= 0;)
        {
            if (optionsAt < 0)
            {
                if (i >= Options.Length && line[(i - Options.Length)..i].SequenceEqual(Options)) optionsAt = i - Options.Length;
            }
            else if (line[i..].StartsWith(TcpdumpOptionText.TruncationMark, StringComparison.Ordinal)) _textCut = _needHex = true;
            else if (line[i..].StartsWith("[bad opt]", StringComparison.Ordinal)) _needHex = true;
            int next = line[(i + 1)..].IndexOf('[');
            i = next < 0 ? -1 : i + 1 + next;
        }
        return optionsAt;
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
        const int MaxDecoded = 128;
        decoded = null;
        var hex = line.Slice(option.HexStart, option.HexLength);
        bool otherCharacters = HexText.HasNonHex(hex);
        if (hex.Length % 2 != 0 || otherCharacters)
        {
            _kindsFromText.Add(option.Kind); // reported here: the hex dump does not report it again
            output.Add(LineProblem(ToaProblemKind.InvalidHex,
                $"option kind {option.Kind} has data '{TextExcerpt.Of(hex, TextExcerpt.QuoteLimit)}', which is not whole bytes of hex " +
                $"({(otherCharacters ? "other characters" : $"an odd number of digits, {Num(hex.Length)}")})"));
            return false;
        }
        // Only the first bytes are needed to tell an experiment; the length comes from the digits.
        Span<byte> data = stackalloc byte[2 + MaxDecoded];
        int prefix = 0;
        if (option.Form == TextOptionForm.FastOpenCookie)
        {
            data[0] = 0xf9;
            data[1] = 0x89;
            prefix = 2;
        }
        int dataLength = prefix + hex.Length / 2;
        var bytes = data[..Math.Min(dataLength, data.Length)];
        HexText.TryDecode(hex[..(2 * (bytes.Length - prefix))], bytes[prefix..]);
        if (dataLength <= MaxDecoded && _map.TryMatch(option.Kind, dataLength + 2, out var variant))
        {
            decoded = ToaOption.Decode(option.Kind, variant, bytes);
            return true;
        }
        if (TcpExperiment.TryFind(option.Kind, bytes, out var experiment))
        {
            ReportExperiment(new ExperimentOption(option.Kind, dataLength + 2, experiment), output);
            return false;
        }
        _kindsFromText.Add(option.Kind);
        output.Add(LineProblem(ToaProblemKind.WrongLength, ToaRecordBuilder.Describe(new BadToa(option.Kind, dataLength + 2, Cut: false), _map)));
        return false;
    }

    private void HexLine(ReadOnlySpan<char> trimmed, string text, int start, int length, List<object> output)
    {
        _hexEverSeen = true;
        _packetHadHex = true;
        if (!_inPacket || !_needHex || _hexDecided || _hex.Broken) return;
        if (!_hex.Add(trimmed))
        {
            output.Add(new ToaProblem
            {
                Kind = ToaProblemKind.InvalidHex, LineNumber = _line, PacketNumber = _packet,
                Line = TextExcerpt.Of(text.AsSpan(start, length)), LineLength = length,
                Message = $"Line {Num(_line)} (packet {Num(_packet)}): the hex dump line is not whole bytes of hex; the packet's hex dump is not used.",
            });
            return;
        }
        TryHexPacket(final: false, output);
    }

    /// <summary>Decodes the packet from its hex dump once the dump holds its TCP header. The dump's bytes then
    /// decide, as a capture file's would, what the text could not: the address of an exp-XXXX option, whether
    /// an option is a TOA at all (its length, a registered experiment), a malformed or cut option.</summary>
    private void TryHexPacket(bool final, List<object> output)
    {
        if (_hex.Count == 0 || _hex.Broken || _hexDecided) return;
        if (_hex.TryParse(_endpoints.Source, _endpoints.Destination, final, out var segment) != SegmentStatus.Tcp) return;
        _hexDecided = true;
        _needHex = false;
        TcpOptionWalker.Walk(segment.Options, segment.DeclaredOptionsLength, _map, _scan);
        foreach (var bad in _scan.Bad)
        {
            if (!bad.Cut && !_kindsFromText.Contains(bad.Kind))
                output.Add(LineProblem(ToaProblemKind.WrongLength, ToaRecordBuilder.Describe(bad, _map)));
        }
        foreach (var experiment in _scan.Experiments) ReportExperiment(experiment, output);
        if (_scan.Cut) WarnCut(output);
        // What the text already gave (and was emitted, or reported) is not repeated.
        _scan.Found.RemoveAll(o => o.Kind is { } k && _kindsFromText.Contains(k));
        if (_scan.Found.Count > 0)
        {
            var context = new PacketContext(Timestamp(), new IPAddress(segment.SourceAddress), segment.SourcePort,
                new IPAddress(segment.DestinationAddress), segment.DestinationPort, _optionLine, null, _packet);
            ToaRecordBuilder.Add(context, _scan.Found, output);
        }
        _pending.Clear();
        _pendingExperiments.Clear();
    }

    private void FinishPacket(List<object> output)
    {
        if (!_inPacket) return;
        if (_ascii.InDump) _ascii.End();
        if (_needHex && _hex.Count > 0) TryHexPacket(final: true, output);
        if (!_hexDecided)
        {
            if (_pending.Count > 0)
            {
                WarnPortOnly(output);
                Emit(_pending, output);
                _pending.Clear();
            }
            ReportPendingExperiments(output);
            if (_textCut) WarnCut(output);
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

    /// <summary>Experiments tcpdump printed only by their id (exp-acc0) and no hex dump told apart from a TOA.</summary>
    private void ReportPendingExperiments(List<object> output)
    {
        foreach (var (kind, experiment) in _pendingExperiments)
        {
            if (!_reportedExperiments.Add(experiment.Id)) continue;
            string id = (experiment.Bits == 32 ? experiment.Id >> 16 : experiment.Id).ToString("x4", CultureInfo.InvariantCulture);
            output.Add(new ToaNotice
            {
                Kind = ToaNoticeKind.Experiment,
                Message = $"Line {Num(_optionLine)} (packet {Num(_packet)}): tcpdump printed a kind-{kind} option as exp-{id}, the id of the registered " +
                          $"TCP experiment {experiment}, not a TOA; such options are skipped. Only its bytes could tell it " +
                          $"from a TOA whose client port is {Num(experiment.Bits == 32 ? experiment.Id >> 16 : experiment.Id)}: add -x to see them.",
            });
        }
        _pendingExperiments.Clear();
    }

    private void ReportExperiment(ExperimentOption experiment, List<object> output)
    {
        if (!_reportedExperiments.Add(experiment.Experiment.Id)) return;
        output.Add(new ToaNotice
        {
            Kind = ToaNoticeKind.Experiment,
            Message = $"Line {Num(_optionLine)} (packet {Num(_packet)}): {experiment.Describe()}; options of that experiment are skipped.",
        });
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

    private void WarnCut(List<object> output)
    {
        if (_cutWarned) return;
        _cutWarned = true;
        output.Add(new ToaNotice
        {
            Kind = ToaNoticeKind.OptionsCut,
            Message = $"Line {Num(_optionLine)} (packet {Num(_packet)}): the packet was captured too short to hold its whole TCP options (tcpdump printed " +
                      "[|tcp]), so a TOA in it, and in any other packet cut so, may be missing. Capture with the default snapshot length " +
                      "(tcpdump -s 0), or at least -s 200.",
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
        Kind = kind, LineNumber = _line, PacketNumber = _packet,
        Line = _optionText is null ? null : TextExcerpt.Of(_optionText.AsSpan(_optionStart, _optionLength)),
        LineLength = _optionText is null ? null : _optionLength,
        Message = $"Line {Num(_line)} (packet {Num(_packet)}): {what}.",
    };

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
