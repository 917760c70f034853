using System.Buffers.Binary;
using System.Globalization;

namespace Diag.Linux.Captures;

/// <summary>
/// The classic libpcap file format (pcap-savefile(5)): a 24-byte header, then 16-byte record headers,
/// each followed by the captured bytes. Either byte order; microsecond (0xa1b2c3d4) or nanosecond
/// (0xa1b23c4d) timestamps. Versions, lengths and snapshot length as libpcap (sf-pcap.c) reads them.
/// </summary>
internal sealed class PcapReader : ICaptureReader
{
    public const uint MagicMicroseconds = 0xa1b2c3d4, MagicNanoseconds = 0xa1b23c4d;
    private const int FileHeaderLength = 24, RecordHeaderLength = 16;
    private const long TicksPerYear = 365L * 24 * 3600 * TimeSpan.TicksPerSecond;

    private readonly CaptureFileBuffer _file;
    private readonly bool _bigEndian;
    private readonly bool _nanoseconds;
    private readonly int _linkType;
    private readonly LengthOrder _lengths;
    private readonly uint _maxCaptureLength;   // libpcap's max_snaplen_for_dlt: more is a damaged record
    private readonly uint _snapshot;           // the file's snapshot length as libpcap adjusts it: more is cut off
    private long _number;
    private long? _lastTicks;
    private int _pendingTruncatedLength = -1;  // a cut last record still to be returned as a packet

    /// <summary>How the record header orders its two lengths (libpcap sf-pcap.c lengths_swapped): files before
    /// version 2.3, and DG/UX tcpdump's 543.0, put the original length first; some 2.3 files did too.</summary>
    private enum LengthOrder { CapturedFirst, OriginalFirst, MaybeOriginalFirst }

    private PcapReader(CaptureFileBuffer file, bool bigEndian, bool nanoseconds, int linkType, uint snaplen, LengthOrder lengths)
    {
        _file = file;
        _bigEndian = bigEndian;
        _nanoseconds = nanoseconds;
        _linkType = linkType;
        _lengths = lengths;
        _maxCaptureLength = Math.Min(MaxSnaplenFor(linkType), (uint)CaptureFileBuffer.MaxRecordSize);
        _snapshot = snaplen == 0 || snaplen > int.MaxValue ? MaxSnaplenFor(linkType) : snaplen;
    }

    /// <summary>True when the file starts with a pcap magic number, in either byte order.</summary>
    public static bool IsPcap(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(start) is MagicMicroseconds or MagicNanoseconds
        || start.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(start) is MagicMicroseconds or MagicNanoseconds;

    /// <summary>Reads the file header; null with a message when it is cut short or of a version whose layout is
    /// unknown. <paramref name="warning"/> says when libpcap would refuse a file this still reads.</summary>
    public static PcapReader? Open(CaptureFileBuffer file, out string? error, out string? warning, out bool unsupportedVersion)
    {
        error = null;
        warning = null;
        unsupportedVersion = false;
        if (!file.TryPeek(FileHeaderLength, out var header))
        {
            error = $"the file ends inside the 24-byte pcap file header (it has {header.Length} bytes)";
            return null;
        }
        bool bigEndian = BinaryPrimitives.ReadUInt32LittleEndian(header) is not (MagicMicroseconds or MagicNanoseconds);
        uint magic = Read32(header, bigEndian);
        int major = Read16(header[4..], bigEndian), minor = Read16(header[6..], bigEndian);
        // libpcap (sf-pcap.c) reads 2.0 to 2.4 and 543.0, calls anything before 2 archaic and refuses the rest.
        LengthOrder lengths;
        if (major == 2)
        {
            lengths = minor < 3 ? LengthOrder.OriginalFirst : minor == 3 ? LengthOrder.MaybeOriginalFirst : LengthOrder.CapturedFirst;
            if (minor > 4)
                warning = $"the file says pcap version {Num(major)}.{Num(minor)}, which libpcap refuses (\"unsupported pcap savefile version\"), " +
                          "so tcpdump cannot read it; it was read as version 2.4, whose layout every 2.x version shares";
        }
        else if (major == 543 && minor == 0)
        {
            lengths = LengthOrder.OriginalFirst;
        }
        else
        {
            unsupportedVersion = true;
            error = major < 2
                ? $"the file says pcap version {Num(major)}.{Num(minor)}, an archaic format whose layout is unknown; libpcap and tcpdump refuse it too (\"archaic pcap savefile format\")"
                : $"the file says pcap version {Num(major)}.{Num(minor)}, whose record layout is unknown; libpcap and tcpdump refuse it too (\"unsupported pcap savefile version\")";
            return null;
        }
        uint snaplen = Read32(header[16..], bigEndian);
        // The link-type field's upper bits carry FCS information (pcap-savefile(5)); the type is the low 16.
        int linkType = (int)(Read32(header[20..], bigEndian) & 0xffff);
        file.Advance(FileHeaderLength);
        return new PcapReader(file, bigEndian, magic == MagicNanoseconds, linkType, snaplen, lengths);
    }

    /// <summary>libpcap's max_snaplen_for_dlt: the largest record it accepts for a link type.</summary>
    private static uint MaxSnaplenFor(int linkType) => linkType switch
    {
        231 => 128u << 20,  // DBUS
        279 => 8u << 20,    // EBHSCR
        249 => 1u << 20,    // USBPCAP
        _ => 262144,        // MAXIMUM_SNAPLEN
    };

    public CaptureReadResult Next(out CapturedPacket packet, out CaptureDamage? damage)
    {
        packet = default;
        damage = null;
        if (_pendingTruncatedLength >= 0)
        {
            // The cut last record: its header and first bytes are there, and the TCP header may be too.
            _file.TryPeek(RecordHeaderLength + _pendingTruncatedLength, out var cut);
            packet = MakePacket(cut, _file.Position, cut.Length - RecordHeaderLength);
            _file.Advance(cut.Length);
            _pendingTruncatedLength = -1;
            return CaptureReadResult.Packet;
        }
        if (_file.AtEnd) return CaptureReadResult.End;

        long offset = _file.Position;
        long number = _number + 1;
        if (!_file.TryPeek(RecordHeaderLength, out var header))
        {
            damage = new CaptureDamage(true, $"the file ends {header.Length} bytes into the 16-byte header of packet {Num(number)} at offset {Num(offset)}", offset, number);
            _file.Advance(header.Length);
            _number = number;
            return CaptureReadResult.Problem;
        }
        if (!IsPlausible(header, strict: false, out uint captured, out uint original))
        {
            _number = number;
            damage = Resync(offset, number, header);
            return CaptureReadResult.Problem;
        }
        if (!_file.TryPeek(RecordHeaderLength + (int)captured, out var record))
        {
            _number = number;
            int have = record.Length - RecordHeaderLength;
            damage = new CaptureDamage(true, $"packet {Num(number)} at offset {Num(offset)} is cut: the file ends after {Num(have)} of its {Num(captured)} captured bytes", offset, number);
            _pendingTruncatedLength = have;
            return CaptureReadResult.Problem;
        }
        _number = number;
        // (header is not read past here: the TryPeek above may have moved the buffer it points into.)
        if (original < captured)
        {
            // libpcap hands such a record on; tcpdump prints "[Invalid header: len(N) < caplen(C)]" instead of
            // the packet and goes on with the next record, which the captured length frames.
            _file.Advance(record.Length);
            damage = new CaptureDamage(false, $"packet {Num(number)} at offset {Num(offset)} claims {Num(captured)} captured bytes of a " +
                                              $"{Num(original)}-byte packet, so its header is wrong; the packet was skipped, as tcpdump skips it", offset, number);
            return CaptureReadResult.Problem;
        }
        packet = MakePacket(record, offset, (int)captured);
        _file.Advance(record.Length);
        return CaptureReadResult.Packet;
    }

    private CapturedPacket MakePacket(ReadOnlySpan<byte> record, long offset, int captured)
    {
        uint seconds = Read32(record, _bigEndian);
        uint fraction = Read32(record[4..], _bigEndian);
        long ticks = seconds * TimeSpan.TicksPerSecond + (_nanoseconds ? fraction / 100 : fraction * 10L);
        _lastTicks = ticks;
        return new CapturedPacket
        {
            // A record longer than the snapshot length is cut to it, as libpcap hands it on (a Solaris 2.3
            // bufmod bug wrote such files; so do fuzzers); the rest of the record is skipped.
            Frame = record.Slice(RecordHeaderLength, (int)Math.Min((uint)captured, _snapshot)),
            LinkType = _linkType,
            UnixTicks = ticks,
            Number = _number,
            FileOffset = offset,
        };
    }

    /// <summary>The record's captured and original lengths, in the order its file version writes them.</summary>
    private (uint Captured, uint Original) Lengths(ReadOnlySpan<byte> header)
    {
        uint first = Read32(header[8..], _bigEndian), second = Read32(header[12..], _bigEndian);
        return _lengths switch
        {
            LengthOrder.OriginalFirst => (second, first),
            LengthOrder.MaybeOriginalFirst when first > second => (second, first),
            _ => (first, second),
        };
    }

    /// <summary>A record header that could be real: lengths within limits; when looking for the next
    /// packet after damage (<paramref name="strict"/>), also a fraction below one second and (once a packet
    /// was read) a time within a year of the previous one. Reading in order checks the lengths only, as
    /// libpcap does: some writers put a whole second in the fraction.</summary>
    private bool IsPlausible(ReadOnlySpan<byte> header, bool strict, out uint captured, out uint original)
    {
        (captured, original) = Lengths(header);
        if (captured > _maxCaptureLength) return false;
        // libpcap does not compare the two lengths; a resync does, to tell a header from any 16 bytes.
        if (!strict) return true;
        if (original < captured) return false;
        uint fraction = Read32(header[4..], _bigEndian);
        if (fraction >= (_nanoseconds ? 1_000_000_000u : 1_000_000u)) return false;
        if (_lastTicks is { } last)
        {
            long ticks = Read32(header, _bigEndian) * TimeSpan.TicksPerSecond;
            if (Math.Abs(ticks - last) > TicksPerYear) return false;
        }
        return true;
    }

    /// <summary>After an impossible record header: finds the next offset where a plausible header is
    /// followed by another plausible header (or by the end of the file), and continues there.</summary>
    private CaptureDamage Resync(long offset, long number, ReadOnlySpan<byte> badHeader)
    {
        var (badCaptured, badOriginal) = Lengths(badHeader);
        string what = $"packet {Num(number)} at offset {Num(offset)} has an impossible record header (captured length {Num(badCaptured)}, " +
                      $"original length {Num(badOriginal)}; libpcap reads at most {Num(_maxCaptureLength)} bytes a packet)";
        _file.Advance(1);
        while (true)
        {
            if (!_file.TryPeek(RecordHeaderLength, out var candidate))
            {
                _file.Advance(candidate.Length);
                return new CaptureDamage(false, $"{what}; no packet could be found after it", offset, number);
            }
            if (IsPlausible(candidate, strict: true, out uint captured, out _))
            {
                int next = RecordHeaderLength + (int)captured;
                bool endsFile = _file.TryPeek(next, out _) && !_file.TryPeekAt(next, 1, out _);
                if (endsFile || _file.TryPeekAt(next, RecordHeaderLength, out var following) && IsPlausible(following, strict: true, out _, out _))
                    return new CaptureDamage(false, $"{what}; skipped {Num(_file.Position - offset)} bytes to the next packet at offset {Num(_file.Position)}", offset, number);
            }
            _file.Advance(1);
        }
    }

    private static int Read16(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private static uint Read32(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _file.Dispose();
}
