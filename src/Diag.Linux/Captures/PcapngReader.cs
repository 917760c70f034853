using System.Buffers.Binary;
using System.Globalization;

namespace Diag.Linux.Captures;

/// <summary>
/// The pcapng format (IETF draft-ietf-opsawg-pcapng): blocks with their length at both ends. Section
/// header blocks set the byte order; interface description blocks give each interface its link type
/// and timestamp resolution (if_tsresol) and offset (if_tsoffset); packets come in enhanced, simple
/// or obsolete packet blocks. Other blocks are skipped. Versions as libpcap reads them: 1.0 and 1.2 (which
/// some writers put for 1.0); another minor version is read with a warning, another major version refused.
/// </summary>
internal sealed class PcapngReader : ICaptureReader
{
    public const uint SectionHeaderBlock = 0x0A0D0D0A;
    private const uint InterfaceBlock = 1, ObsoletePacketBlock = 2, SimplePacketBlock = 3, NameResolutionBlock = 4,
        StatisticsBlock = 5, EnhancedPacketBlock = 6;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const int OptionTimestampResolution = 9, OptionTimestampOffset = 14;

    private const int SectionHeaderMinimum = 28, InterfaceMinimum = 20, EnhancedMinimum = 32, SimpleMinimum = 16, ObsoleteMinimum = 32;

    private readonly CaptureFileBuffer _file;
    private readonly List<Interface> _interfaces = new();
    private bool _bigEndian;
    private bool _skippingSection; // a later section of a major version libpcap refuses: its blocks are not read
    private long _number;
    private (long Offset, int Length)? _pendingCut; // a cut last packet block still to be returned

    /// <summary>An interface description; <see cref="LinkType"/> -1 stands for one whose block was too short
    /// to read (reported once there), so that the interfaces after it keep their numbers.</summary>
    private sealed record Interface(int LinkType, uint Snaplen, bool PowerOfTwo, int Exponent, long OffsetSeconds);

    private PcapngReader(CaptureFileBuffer file) => _file = file;

    public static bool IsPcapng(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(start) == SectionHeaderBlock;

    /// <summary>A reader, or null with the reason when the first section is of a major version libpcap refuses
    /// (its blocks may be laid out otherwise); <paramref name="warning"/> when only the minor version is unusual.</summary>
    public static PcapngReader? Open(CaptureFileBuffer file, out string? error, out string? warning)
    {
        error = null;
        warning = null;
        // A header too short or without a byte-order magic is damage that Next reports and reads past.
        if (file.TryPeek(16, out var head) && ReadVersion(head) is var (major, minor))
        {
            if (major != 1)
            {
                error = $"the file says pcapng version {Num(major)}.{Num(minor)}, whose block layout is unknown; libpcap and tcpdump refuse it too (\"unsupported pcapng savefile version\")";
                return null;
            }
            if (minor is not (0 or 2))
                warning = $"the file says pcapng version {Num(major)}.{Num(minor)}, which libpcap refuses (\"unsupported pcapng savefile version\"), " +
                          "so tcpdump cannot read it; it was read as version 1.0, whose layout every 1.x version shares";
        }
        return new PcapngReader(file);
    }

    /// <summary>The version of a section header block (its first 16 bytes), in the byte order its magic gives.</summary>
    private static (int Major, int Minor)? ReadVersion(ReadOnlySpan<byte> head)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(head[8..]) == ByteOrderMagic)
            return (BinaryPrimitives.ReadUInt16LittleEndian(head[12..]), BinaryPrimitives.ReadUInt16LittleEndian(head[14..]));
        if (BinaryPrimitives.ReadUInt32BigEndian(head[8..]) == ByteOrderMagic)
            return (BinaryPrimitives.ReadUInt16BigEndian(head[12..]), BinaryPrimitives.ReadUInt16BigEndian(head[14..]));
        return null;
    }

    public CaptureReadResult Next(out CapturedPacket packet, out CaptureDamage? damage)
    {
        packet = default;
        damage = null;
        if (_pendingCut is { } cut)
        {
            _pendingCut = null;
            _file.TryPeek(cut.Length, out var partial);
            bool made = TryMakePacket(partial, cut.Offset, truncated: true, out packet, out damage);
            _file.Advance(partial.Length);
            if (made) return CaptureReadResult.Packet;
            return damage is null ? CaptureReadResult.End : CaptureReadResult.Problem;
        }
        while (true)
        {
            if (_file.AtEnd) return CaptureReadResult.End;
            long offset = _file.Position;
            if (!_file.TryPeek(12, out var head))
            {
                damage = new CaptureDamage(true, $"the file ends {Num(head.Length)} bytes into a block header at offset {Num(offset)}", offset, _number + 1);
                _file.Advance(head.Length);
                return CaptureReadResult.Problem;
            }
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(head); // the section header's type reads the same either way
            if (type == SectionHeaderBlock)
            {
                if (BinaryPrimitives.ReadUInt32LittleEndian(head[8..]) == ByteOrderMagic) _bigEndian = false;
                else if (BinaryPrimitives.ReadUInt32BigEndian(head[8..]) == ByteOrderMagic) _bigEndian = true;
                else
                {
                    damage = Resync(offset, "a section header block with no byte-order magic");
                    return CaptureReadResult.Problem;
                }
            }
            else type = Read32(head);
            uint length = Read32(head[4..]);
            if (length < 12 || length % 4 != 0 || length > CaptureFileBuffer.MaxRecordSize)
            {
                damage = Resync(offset, $"a block of type {Num(type)} with an impossible length {Num(length)}");
                return CaptureReadResult.Problem;
            }
            if (!_file.TryPeek((int)length, out var block))
            {
                long number = _number + 1;
                damage = new CaptureDamage(true, $"the file ends {Num(block.Length)} bytes into a {Num(length)}-byte block at offset {Num(offset)}" +
                                                 (IsPacketBlock(type) ? $" (packet {Num(number)})" : ""), offset, number);
                if (IsPacketBlock(type)) _pendingCut = (offset, block.Length);
                else _file.Advance(block.Length);
                return CaptureReadResult.Problem;
            }
            if (Read32(block[(int)(length - 4)..]) != length)
            {
                damage = Resync(offset, $"a block of type {Num(type)} whose trailing length does not match its leading length {Num(length)}");
                return CaptureReadResult.Problem;
            }
            if (MinimumLength(type) is var minimum && length < minimum)
            {
                // Framed correctly but too short for its own fields: libpcap stops the file here ("block of type 6
                // in pcapng dump file is too short"); this names it and reads on from the next block. A packet
                // block that holds no packet takes no packet number.
                _file.Advance((int)length);
                if (type == InterfaceBlock) _interfaces.Add(new Interface(-1, 0, false, 6, 0));
                damage = new CaptureDamage(false,
                    $"offset {Num(offset)} holds a block of type {Num(type)} ({BlockName(type)}) of {Num(length)} bytes, too short for one (at least {Num(minimum)}); " +
                    (type == InterfaceBlock ? "the packets of that interface are skipped" : "it was skipped") +
                    $" (tcpdump stops there: \"block of type {Num(type)} in pcapng dump file is too short\")", offset, PacketNumber: null);
                return CaptureReadResult.Problem;
            }
            if (_skippingSection && type != SectionHeaderBlock)
            {
                _file.Advance((int)length);
                continue;
            }

            switch (type)
            {
                case SectionHeaderBlock:
                    _interfaces.Clear();
                    _skippingSection = false;
                    if (offset > 0 && ReadVersion(block) is var (major, minor) && major != 1)
                    {
                        // libpcap stops at such a section ("unknown pcapng savefile major version number"); its
                        // blocks may be laid out otherwise, so they are skipped up to the next section.
                        _skippingSection = true;
                        _file.Advance((int)length);
                        damage = new CaptureDamage(false,
                            $"offset {Num(offset)} starts a section of pcapng version {Num(major)}.{Num(minor)}, whose block layout is unknown " +
                            "(libpcap and tcpdump stop there); its blocks were skipped up to the next section", offset, PacketNumber: null);
                        return CaptureReadResult.Problem;
                    }
                    break;
                case InterfaceBlock:
                    _interfaces.Add(ReadInterface(block));
                    break;
                case EnhancedPacketBlock or SimplePacketBlock or ObsoletePacketBlock:
                    bool made = TryMakePacket(block, offset, truncated: false, out packet, out damage);
                    _file.Advance((int)length);
                    if (made) return CaptureReadResult.Packet;
                    if (damage is not null) return CaptureReadResult.Problem;
                    continue;
            }
            _file.Advance((int)length);
        }
    }

    private static bool IsPacketBlock(uint type) => type is EnhancedPacketBlock or SimplePacketBlock or ObsoletePacketBlock;

    /// <summary>The smallest whole block of a type this reads: header, fixed fields, trailer (12 for the others).</summary>
    private static int MinimumLength(uint type) => type switch
    {
        SectionHeaderBlock => SectionHeaderMinimum,
        InterfaceBlock => InterfaceMinimum,
        EnhancedPacketBlock => EnhancedMinimum,
        SimplePacketBlock => SimpleMinimum,
        ObsoletePacketBlock => ObsoleteMinimum,
        _ => 12,
    };

    private static string BlockName(uint type) => type switch
    {
        SectionHeaderBlock => "section header block",
        InterfaceBlock => "interface description block",
        EnhancedPacketBlock => "enhanced packet block",
        SimplePacketBlock => "simple packet block",
        ObsoletePacketBlock => "obsolete packet block",
        NameResolutionBlock => "name resolution block",
        StatisticsBlock => "interface statistics block",
        _ => "unknown block",
    };

    /// <summary>Builds the packet of a packet block (or of its first bytes, when the file ends inside it).</summary>
    private bool TryMakePacket(ReadOnlySpan<byte> block, long offset, bool truncated, out CapturedPacket packet, out CaptureDamage? damage)
    {
        packet = default;
        damage = null;
        uint type = Read32(block);
        long number = ++_number;
        int headerLength = type == SimplePacketBlock ? 12 : 28;
        if (block.Length < headerLength) return false; // cut inside the block header: already reported

        int interfaceId = type switch
        {
            EnhancedPacketBlock => (int)Math.Min(Read32(block[8..]), int.MaxValue),
            ObsoletePacketBlock => Read16(block[8..]),
            _ => 0,
        };
        if (interfaceId >= _interfaces.Count)
        {
            damage = new CaptureDamage(false, $"packet {Num(number)} at offset {Num(offset)} names interface {Num(interfaceId)}, but its section describes {Num(_interfaces.Count)}", offset, number);
            return false;
        }
        var iface = _interfaces[interfaceId];
        int available = truncated ? block.Length - headerLength : block.Length - headerLength - 4;
        long captured;
        long? ticks = null;
        if (type == SimplePacketBlock)
        {
            // No captured length: the original length, cut to the block and the interface's snaplen.
            captured = Read32(block[8..]);
            if (iface.Snaplen != 0) captured = Math.Min(captured, iface.Snaplen);
            captured = Math.Min(captured, available);
        }
        else
        {
            captured = Read32(block[20..]);
            ticks = ToUnixTicks(iface, (ulong)Read32(block[12..]) << 32 | Read32(block[16..]));
            if (captured > available && !truncated)
            {
                damage = new CaptureDamage(false, $"packet {Num(number)} at offset {Num(offset)} claims {Num(captured)} captured bytes in a {Num(block.Length)}-byte block", offset, number);
                return false;
            }
            captured = Math.Min(captured, available);
        }
        packet = new CapturedPacket
        {
            Frame = block.Slice(headerLength, (int)captured),
            LinkType = iface.LinkType,
            UnixTicks = ticks,
            Number = number,
            FileOffset = offset,
        };
        return true;
    }

    private Interface ReadInterface(ReadOnlySpan<byte> block)
    {
        int linkType = Read16(block[8..]);
        uint snaplen = Read32(block[12..]);
        bool powerOfTwo = false;
        int exponent = 6; // microseconds unless if_tsresol says otherwise
        long offsetSeconds = 0;
        var options = block[16..^4];
        while (options.Length >= 4)
        {
            int code = Read16(options);
            int length = Read16(options[2..]);
            if (code == 0 || 4 + length > options.Length) break;
            var value = options.Slice(4, length);
            if (code == OptionTimestampResolution && length >= 1)
            {
                powerOfTwo = (value[0] & 0x80) != 0;
                exponent = value[0] & 0x7f;
            }
            else if (code == OptionTimestampOffset && length >= 8)
            {
                offsetSeconds = _bigEndian ? BinaryPrimitives.ReadInt64BigEndian(value) : BinaryPrimitives.ReadInt64LittleEndian(value);
            }
            options = options[Math.Min(options.Length, 4 + (length + 3) / 4 * 4)..];
        }
        return new Interface(linkType, snaplen, powerOfTwo, exponent, offsetSeconds);
    }

    /// <summary>A timestamp in the interface's units (10^-n or 2^-n seconds) as 100 ns ticks since the epoch; null when out of range.</summary>
    private static long? ToUnixTicks(Interface iface, ulong units)
    {
        UInt128 ticks;
        if (iface.PowerOfTwo)
        {
            if (iface.Exponent > 64) return null;
            ticks = (UInt128)units * 10_000_000 >> iface.Exponent;
        }
        else if (iface.Exponent <= 7)
        {
            ticks = (UInt128)units * Pow10(7 - iface.Exponent);
        }
        else
        {
            if (iface.Exponent > 26) return null;
            ticks = (UInt128)units / Pow10(iface.Exponent - 7);
        }
        Int128 total = (Int128)ticks + (Int128)iface.OffsetSeconds * TimeSpan.TicksPerSecond;
        long max = DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks;
        return total < 0 || total > max ? null : (long)total;
    }

    private static UInt128 Pow10(int n)
    {
        UInt128 p = 1;
        for (int i = 0; i < n; i++) p *= 10;
        return p;
    }

    /// <summary>After a block that cannot be right: finds the next 4-byte-aligned block of a known type
    /// whose leading and trailing lengths agree, and continues there.</summary>
    private CaptureDamage Resync(long offset, string what)
    {
        long number = _number + 1;
        string message = $"offset {Num(offset)} holds {what}";
        _file.Advance(4);
        while (true)
        {
            if (!_file.TryPeek(12, out var head))
            {
                _file.Advance(head.Length);
                return new CaptureDamage(false, $"{message}; no block could be found after it", offset, number);
            }
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(head) == SectionHeaderBlock ? SectionHeaderBlock : Read32(head);
            uint length = Read32(head[4..]);
            if (type is SectionHeaderBlock or InterfaceBlock or ObsoletePacketBlock or SimplePacketBlock or NameResolutionBlock or StatisticsBlock or EnhancedPacketBlock
                && length >= 12 && length % 4 == 0 && length <= CaptureFileBuffer.MaxRecordSize
                && _file.TryPeekAt((int)length - 4, 4, out var trailer) && Read32(trailer) == length)
            {
                return new CaptureDamage(false, $"{message}; skipped {Num(_file.Position - offset)} bytes to the next block at offset {Num(_file.Position)}", offset, number);
            }
            _file.Advance(4);
        }
    }

    private uint Read32(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private int Read16(ReadOnlySpan<byte> b) => _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => _file.Dispose();
}
