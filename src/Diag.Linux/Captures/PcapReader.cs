using System.Buffers.Binary;
using System.Globalization;

namespace Diag.Linux.Captures;

/// <summary>
/// The classic libpcap file format (pcap-savefile(5)): a 24-byte header, then 16-byte record headers,
/// each followed by the captured bytes. Either byte order; microsecond (0xa1b2c3d4) or nanosecond
/// (0xa1b23c4d) timestamps.
/// </summary>
internal sealed class PcapReader : ICaptureReader
{
    public const uint MagicMicroseconds = 0xa1b2c3d4, MagicNanoseconds = 0xa1b23c4d;
    private const int FileHeaderLength = 24, RecordHeaderLength = 16;
    private const uint TypicalMaxSnaplen = 262144;        // libpcap's MAXIMUM_SNAPLEN
    private const long TicksPerYear = 365L * 24 * 3600 * TimeSpan.TicksPerSecond;

    private readonly CaptureFileBuffer _file;
    private readonly bool _bigEndian;
    private readonly bool _nanoseconds;
    private readonly int _linkType;
    private readonly uint _maxCaptureLength;
    private long _number;
    private long? _lastTicks;
    private int _pendingTruncatedLength = -1;  // a cut last record still to be returned as a packet

    private PcapReader(CaptureFileBuffer file, bool bigEndian, bool nanoseconds, int linkType, uint snaplen)
    {
        _file = file;
        _bigEndian = bigEndian;
        _nanoseconds = nanoseconds;
        _linkType = linkType;
        _maxCaptureLength = Math.Max(snaplen, TypicalMaxSnaplen);
    }

    /// <summary>True when the file starts with a pcap magic number, in either byte order.</summary>
    public static bool IsPcap(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(start) is MagicMicroseconds or MagicNanoseconds
        || start.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(start) is MagicMicroseconds or MagicNanoseconds;

    /// <summary>Reads the file header; null with a message when it is cut short.</summary>
    public static PcapReader? Open(CaptureFileBuffer file, out string? error)
    {
        error = null;
        if (!file.TryPeek(FileHeaderLength, out var header))
        {
            error = $"the file ends inside the 24-byte pcap file header (it has {header.Length} bytes)";
            return null;
        }
        bool bigEndian = BinaryPrimitives.ReadUInt32LittleEndian(header) is not (MagicMicroseconds or MagicNanoseconds);
        uint magic = Read32(header, bigEndian);
        uint snaplen = Read32(header[16..], bigEndian);
        // The link-type field's upper bits carry FCS information (pcap-savefile(5)); the type is the low 16.
        int linkType = (int)(Read32(header[20..], bigEndian) & 0xffff);
        file.Advance(FileHeaderLength);
        return new PcapReader(file, bigEndian, magic == MagicNanoseconds, linkType, snaplen);
    }

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
        if (!IsPlausible(header, strict: false, out uint captured))
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
            Frame = record.Slice(RecordHeaderLength, captured),
            LinkType = _linkType,
            UnixTicks = ticks,
            Number = _number,
            FileOffset = offset,
        };
    }

    /// <summary>A record header that could be real: lengths within limits; when looking for the next
    /// packet after damage (<paramref name="strict"/>), also a fraction below one second and (once a packet
    /// was read) a time within a year of the previous one. Reading in order checks the lengths only, as
    /// libpcap does: some writers put a whole second in the fraction.</summary>
    private bool IsPlausible(ReadOnlySpan<byte> header, bool strict, out uint captured)
    {
        captured = Read32(header[8..], _bigEndian);
        uint original = Read32(header[12..], _bigEndian);
        if (captured > _maxCaptureLength || captured > CaptureFileBuffer.MaxRecordSize || original < captured) return false;
        if (!strict) return true;
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
        string what = $"packet {Num(number)} at offset {Num(offset)} has an impossible record header (captured length {Num(Read32(badHeader[8..], _bigEndian))}, original length {Num(Read32(badHeader[12..], _bigEndian))})";
        _file.Advance(1);
        while (true)
        {
            if (!_file.TryPeek(RecordHeaderLength, out var candidate))
            {
                _file.Advance(candidate.Length);
                return new CaptureDamage(false, $"{what}; no packet could be found after it", offset, number);
            }
            if (IsPlausible(candidate, strict: true, out uint captured))
            {
                int next = RecordHeaderLength + (int)captured;
                bool endsFile = _file.TryPeek(next, out _) && !_file.TryPeekAt(next, 1, out _);
                if (endsFile || _file.TryPeekAt(next, RecordHeaderLength, out var following) && IsPlausible(following, strict: true, out _))
                    return new CaptureDamage(false, $"{what}; skipped {Num(_file.Position - offset)} bytes to the next packet at offset {Num(_file.Position)}", offset, number);
            }
            _file.Advance(1);
        }
    }

    private static uint Read32(ReadOnlySpan<byte> b, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _file.Dispose();
}
