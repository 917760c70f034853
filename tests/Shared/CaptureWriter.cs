using System.Buffers.Binary;

namespace Diag.TestSupport;

/// <summary>
/// Writes capture files for tests: pcap (either byte order, micro- or nanosecond timestamps) and
/// pcapng (sections, interfaces with their own link type and if_tsresol, enhanced or simple packet
/// blocks), as libpcap and Wireshark write them; and, for damage tests, any version number, records with
/// any pair of lengths, and raw blocks.
/// </summary>
public sealed class CaptureWriter : IDisposable
{
    public const int Ethernet = 1, Raw = 101, LinuxSll = 113, LinuxSll2 = 276;

    private readonly Stream _stream;
    private readonly bool _pcapng;
    private readonly bool _bigEndian;
    private readonly bool _nanoseconds;
    private readonly bool _originalLengthFirst;
    private readonly List<byte> _resolutions = new();

    private CaptureWriter(Stream stream, bool pcapng, bool bigEndian, bool nanoseconds, bool originalLengthFirst = false)
    {
        _stream = stream;
        _pcapng = pcapng;
        _bigEndian = bigEndian;
        _nanoseconds = nanoseconds;
        _originalLengthFirst = originalLengthFirst;
    }

    /// <summary>A pcap file; <paramref name="major"/>.<paramref name="minor"/> is the version its header says. Files
    /// before 2.3 (and DG/UX's 543.0) put the original length before the captured one, and so does this writer for them.</summary>
    public static CaptureWriter Pcap(Stream stream, int linkType, bool nanoseconds = false, bool bigEndian = false, uint snaplen = 262144,
        ushort major = 2, ushort minor = 4)
    {
        var w = new CaptureWriter(stream, false, bigEndian, nanoseconds, originalLengthFirst: major == 543 || major == 2 && minor < 3);
        w.U32(nanoseconds ? 0xa1b23c4du : 0xa1b2c3d4u);
        w.U16(major);
        w.U16(minor);
        w.U32(0);
        w.U32(0);
        w.U32(snaplen);
        w.U32((uint)linkType);
        return w;
    }

    public static CaptureWriter Pcapng(Stream stream, bool bigEndian = false, ushort major = 1, ushort minor = 0)
    {
        var w = new CaptureWriter(stream, true, bigEndian, false);
        w.SectionHeader(major, minor);
        return w;
    }

    /// <summary>Starts a pcapng section (the file's first, or a later one): its interfaces are added anew.</summary>
    public void SectionHeader(ushort major = 1, ushort minor = 0)
    {
        _resolutions.Clear();
        Block(0x0A0D0D0A, b =>
        {
            b.U32(0x1A2B3C4D);
            b.U16(major);
            b.U16(minor);
            b.U64(ulong.MaxValue); // section length unknown
        });
    }

    /// <summary>A pcapng block of any type with this body, framed with its length at both ends.</summary>
    public void RawBlock(uint type, byte[] body)
    {
        if (type == 1) _resolutions.Add(6); // an interface, however broken, takes the next interface id
        Block(type, b => { b.Bytes(body); b.Pad(); });
    }

    /// <summary>A pcap record with the lengths its header says, whatever the bytes: <paramref name="written"/> bytes of
    /// <paramref name="frame"/> follow the header (by default the captured length).</summary>
    public void Record(byte[] frame, DateTime utc, uint captured, uint original, int? written = null)
    {
        var since = utc - DateTime.UnixEpoch;
        U32((uint)(since.Ticks / TimeSpan.TicksPerSecond));
        long fraction = since.Ticks % TimeSpan.TicksPerSecond;
        U32((uint)(_nanoseconds ? fraction * 100 : fraction / 10));
        U32(_originalLengthFirst ? original : captured);
        U32(_originalLengthFirst ? captured : original);
        _stream.Write(frame, 0, written ?? (int)captured);
    }

    /// <summary>Adds a pcapng interface; <paramref name="tsresol"/> is the if_tsresol byte (6: µs, 9: ns, 0x80|n: 2^-n s). Returns its id.</summary>
    public int AddInterface(int linkType, byte tsresol = 6, uint snaplen = 262144)
    {
        Block(1, b =>
        {
            b.U16((ushort)linkType);
            b.U16(0);
            b.U32(snaplen);
            if (tsresol != 6)
            {
                b.U16(9);
                b.U16(1);
                b.Bytes([tsresol, 0, 0, 0]);
                b.U16(0);
                b.U16(0);
            }
        });
        _resolutions.Add(tsresol);
        return _resolutions.Count - 1;
    }

    /// <summary>Writes one packet; <paramref name="capturedLength"/> cuts it as a snaplen would.</summary>
    public void Write(byte[] frame, DateTime utc, int interfaceId = 0, int? capturedLength = null, bool simpleBlock = false)
    {
        int captured = Math.Min(capturedLength ?? frame.Length, frame.Length);
        var since = utc - DateTime.UnixEpoch;
        if (!_pcapng)
        {
            Record(frame, utc, (uint)captured, (uint)frame.Length);
            return;
        }
        if (simpleBlock)
        {
            Block(3, b =>
            {
                b.U32((uint)frame.Length);
                b.Bytes(frame);
                b.Pad();
            });
            return;
        }
        byte resolution = _resolutions[interfaceId];
        ulong units = resolution switch
        {
            6 => (ulong)since.Ticks / 10,
            9 => (ulong)since.Ticks * 100,
            _ when (resolution & 0x80) != 0 => (ulong)(((UInt128)(ulong)since.Ticks << (resolution & 0x7f)) / 10_000_000),
            _ => (ulong)since.Ticks / (ulong)Math.Pow(10, 7 - resolution),
        };
        Block(6, b =>
        {
            b.U32((uint)interfaceId);
            b.U32((uint)(units >> 32));
            b.U32((uint)units);
            b.U32((uint)captured);
            b.U32((uint)frame.Length);
            b.Bytes(frame.AsSpan(0, captured));
            b.Pad();
        });
    }

    private void Block(uint type, Action<BlockBody> body)
    {
        var b = new BlockBody(_bigEndian);
        body(b);
        uint length = (uint)(12 + b.Data.Count);
        U32(type);
        U32(length);
        _stream.Write(b.Data.ToArray());
        U32(length);
    }

    private sealed class BlockBody(bool bigEndian)
    {
        public List<byte> Data { get; } = new();
        public void U16(ushort v) { Span<byte> s = stackalloc byte[2]; if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(s, v); else BinaryPrimitives.WriteUInt16LittleEndian(s, v); Data.AddRange(s.ToArray()); }
        public void U32(uint v) { Span<byte> s = stackalloc byte[4]; if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(s, v); else BinaryPrimitives.WriteUInt32LittleEndian(s, v); Data.AddRange(s.ToArray()); }
        public void U64(ulong v) { Span<byte> s = stackalloc byte[8]; if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(s, v); else BinaryPrimitives.WriteUInt64LittleEndian(s, v); Data.AddRange(s.ToArray()); }
        public void Bytes(ReadOnlySpan<byte> bytes) => Data.AddRange(bytes.ToArray());
        public void Pad() { while (Data.Count % 4 != 0) Data.Add(0); }
    }

    private void U16(ushort v)
    {
        Span<byte> s = stackalloc byte[2];
        if (_bigEndian) BinaryPrimitives.WriteUInt16BigEndian(s, v); else BinaryPrimitives.WriteUInt16LittleEndian(s, v);
        _stream.Write(s);
    }

    private void U32(uint v)
    {
        Span<byte> s = stackalloc byte[4];
        if (_bigEndian) BinaryPrimitives.WriteUInt32BigEndian(s, v); else BinaryPrimitives.WriteUInt32LittleEndian(s, v);
        _stream.Write(s);
    }

    public void Dispose() => _stream.Dispose();
}
