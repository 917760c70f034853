using System.Buffers.Binary;
using System.Text;
using Diag.Linux.Dwarf;

namespace Diag.Linux.Elf;

/// <summary>
/// A parsed 64-bit little-endian ELF file (x86_64): its program headers, section headers, build ID and
/// debug link. Section contents are read on demand from its <see cref="ElfSource"/>, which it owns.
/// </summary>
internal sealed class ElfImage : IDisposable
{
    public const ushort ET_EXEC = 2, ET_DYN = 3;
    private const ushort EM_X86_64 = 62;
    private const int MaxSections = 65_536, MaxSegments = 4096;

    private readonly ElfSource _source;
    private readonly Dictionary<string, ElfSection> _sectionsByName = new(StringComparer.Ordinal);

    private ElfImage(ElfSource source, ushort type, ElfSegment[] segments, ElfSection[] sections)
    {
        _source = source;
        Type = type;
        Segments = segments;
        Sections = sections;
        foreach (var section in sections)
            _sectionsByName.TryAdd(section.Name, section);
        BuildId = ReadBuildId();
        DebugLink = ReadDebugLink();
    }

    /// <summary>ET_EXEC (not position-independent: loaded at its link addresses) or ET_DYN (PIE, shared object).</summary>
    public ushort Type { get; }

    public IReadOnlyList<ElfSegment> Segments { get; }

    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>The GNU build ID (NT_GNU_BUILD_ID), or null.</summary>
    public byte[]? BuildId { get; }

    /// <summary>The file name in .gnu_debuglink, or null.</summary>
    public string? DebugLink { get; }

    /// <summary>The section names of the ELF file at <paramref name="path"/>; empty when it cannot be read or
    /// is not a 64-bit x86_64 ELF file (Test-CoreDumpConfig tells a Go program by its sections).</summary>
    public static IReadOnlyList<string> ReadSectionNames(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var image = TryParse(ElfSource.FromFile(handle));
            return image?.Sections.Select(s => s.Name).ToArray() ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Parses an ELF image; null when the bytes are not a 64-bit little-endian x86_64 ELF file.
    /// Takes ownership of <paramref name="source"/> when it returns an image.</summary>
    public static ElfImage? TryParse(ElfSource source)
    {
        Span<byte> header = stackalloc byte[64];
        if (source.Read(0, header) != 64) return null;
        if (header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F'
            || header[4] != 2 || header[5] != 1)
            return null;
        var type = BinaryPrimitives.ReadUInt16LittleEndian(header[16..]);
        if (BinaryPrimitives.ReadUInt16LittleEndian(header[18..]) != EM_X86_64) return null;
        var programOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        var sectionOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[40..]);
        int programCount = BinaryPrimitives.ReadUInt16LittleEndian(header[56..]);
        int sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(header[60..]);
        int nameIndex = BinaryPrimitives.ReadUInt16LittleEndian(header[62..]);

        var segments = ReadSegments(source, programOffset, programCount);
        var sections = ReadSections(source, sectionOffset, sectionCount, nameIndex);
        return new ElfImage(source, type, segments, sections);
    }

    public ElfSection? Section(string name) => _sectionsByName.GetValueOrDefault(name);

    /// <summary>The load bias of a mapping of this file at <paramref name="mappingStart"/> from file offset
    /// <paramref name="mappingOffset"/>: runtime address minus link-time address. Null when no PT_LOAD covers the offset.</summary>
    public ulong? LoadBias(ulong mappingStart, ulong mappingOffset)
    {
        foreach (var segment in Segments)
        {
            if (segment.Type != ElfSegment.PT_LOAD) continue;
            var alignedOffset = (ulong)segment.Offset & ~0xfffUL;
            if (mappingOffset < alignedOffset || mappingOffset >= (ulong)segment.Offset + (ulong)Math.Max(segment.FileSize, 1)) continue;
            // p_vaddr - p_offset is page-aligned, so the aligned offsets map the same way.
            return unchecked(mappingStart - mappingOffset - (segment.VirtualAddress - (ulong)segment.Offset));
        }
        return null;
    }

    /// <summary>The call frame table: .eh_frame (with .eh_frame_hdr, or found through PT_GNU_EH_FRAME when the
    /// section headers are gone), else .debug_frame; null when the file has none.</summary>
    public CallFrameTable? LoadCallFrameTable()
    {
        var ehFrame = Section(".eh_frame");
        var header = Section(".eh_frame_hdr");
        if (ehFrame is { HasData: true })
            return CallFrameTable.FromEhFrame(ehFrame, header is { HasData: true } ? header : null);
        foreach (var segment in Segments)
        {
            if (segment.Type == ElfSegment.PT_GNU_EH_FRAME && SegmentData(segment) is { } headerData
                && EhFrameFromHeader(headerData) is { } frames)
                return CallFrameTable.FromEhFrame(frames, headerData);
        }
        var debugFrame = Section(".debug_frame");
        return debugFrame is { HasData: true } ? CallFrameTable.FromDebugFrame(debugFrame) : null;
    }

    /// <summary>The section at a link-time address (for symbols: which section an address is in).</summary>
    public ElfSection? SectionAt(ulong address)
    {
        foreach (var section in Sections)
            if (section.Address != 0 && address >= section.Address && address < section.Address + (ulong)section.FileSize && section.Type != 0)
                return section;
        return null;
    }

    public void Dispose() => _source.Dispose();

    private static ElfSegment[] ReadSegments(ElfSource source, long offset, int count)
    {
        if (offset <= 0 || count <= 0 || count > MaxSegments) return [];
        var bytes = new byte[count * 56];
        if (source.Read(offset, bytes) != bytes.Length) return [];
        var segments = new ElfSegment[count];
        for (var i = 0; i < count; i++)
        {
            var p = bytes.AsSpan(i * 56, 56);
            segments[i] = new ElfSegment(
                BinaryPrimitives.ReadUInt32LittleEndian(p), BinaryPrimitives.ReadUInt32LittleEndian(p[4..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(p[8..]), BinaryPrimitives.ReadUInt64LittleEndian(p[16..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(p[32..]), BinaryPrimitives.ReadUInt64LittleEndian(p[40..]));
        }
        return segments;
    }

    private static ElfSection[] ReadSections(ElfSource source, long offset, int count, int nameIndex)
    {
        if (offset <= 0) return [];
        Span<byte> first = stackalloc byte[64];
        if (source.Read(offset, first) != 64) return [];
        // Extended numbering: more than 0xff00 sections keep their count and name index in section 0.
        if (count == 0) count = (int)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(first[32..]), MaxSections);
        if (nameIndex == 0xffff) nameIndex = (int)BinaryPrimitives.ReadUInt32LittleEndian(first[40..]);
        if (count <= 0 || count > MaxSections) return [];
        var bytes = new byte[count * 64];
        if (source.Read(offset, bytes) != bytes.Length) return [];

        byte[] names = [];
        if (nameIndex > 0 && nameIndex < count)
        {
            var n = bytes.AsSpan(nameIndex * 64, 64);
            var namesSize = (long)BinaryPrimitives.ReadUInt64LittleEndian(n[32..]);
            if (namesSize is > 0 and < 16 << 20)
            {
                names = new byte[namesSize];
                if (source.Read((long)BinaryPrimitives.ReadUInt64LittleEndian(n[24..]), names) != names.Length) names = [];
            }
        }
        var sections = new ElfSection[count];
        for (var i = 0; i < count; i++)
        {
            var s = bytes.AsSpan(i * 64, 64);
            sections[i] = new ElfSection(source, i, NameAt(names, BinaryPrimitives.ReadUInt32LittleEndian(s)),
                BinaryPrimitives.ReadUInt32LittleEndian(s[4..]), BinaryPrimitives.ReadUInt64LittleEndian(s[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[16..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(s[24..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(s[32..]), BinaryPrimitives.ReadUInt32LittleEndian(s[40..]),
                BinaryPrimitives.ReadUInt32LittleEndian(s[44..]));
        }
        return sections;
    }

    private static string NameAt(byte[] names, uint offset)
    {
        if (offset >= names.Length) return "";
        var rest = names.AsSpan((int)offset);
        var end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }

    private byte[]? ReadBuildId()
    {
        foreach (var section in Sections)
            if (section.Name.StartsWith(".note", StringComparison.Ordinal) && FindBuildId(section.ReadAll(1 << 16)) is { } id)
                return id;
        foreach (var segment in Segments)
            if (segment.Type == ElfSegment.PT_NOTE && segment.FileSize is > 0 and < 1 << 16)
            {
                var bytes = new byte[segment.FileSize];
                if (_source.Read(segment.Offset, bytes) == bytes.Length && FindBuildId(bytes) is { } id) return id;
            }
        return null;
    }

    private static byte[]? FindBuildId(byte[] notes)
    {
        const uint NT_GNU_BUILD_ID = 3;
        var position = 0;
        while (position + 12 <= notes.Length)
        {
            var nameSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(position));
            var descSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(position + 4));
            var type = BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(position + 8));
            if (nameSize < 0 || descSize < 0) return null;
            var name = position + 12;
            var desc = name + ((nameSize + 3) & ~3);
            var next = desc + ((descSize + 3) & ~3);
            if (next > notes.Length || next <= position) return null;
            if (type == NT_GNU_BUILD_ID && nameSize == 4 && notes.AsSpan(name, 4).SequenceEqual("GNU\0"u8) && descSize > 0)
                return notes.AsSpan(desc, descSize).ToArray();
            position = next;
        }
        return null;
    }

    private string? ReadDebugLink()
    {
        var bytes = Section(".gnu_debuglink")?.ReadAll(4096);
        if (bytes is null || bytes.Length == 0) return null;
        var end = Array.IndexOf(bytes, (byte)0);
        return end > 0 ? Encoding.UTF8.GetString(bytes, 0, end) : null;
    }

    /// <summary>The bytes a segment maps, as section data at its link-time address.</summary>
    private SegmentSection? SegmentData(ElfSegment segment) =>
        segment.FileSize > 0 ? new SegmentSection(_source, segment.Offset, segment.FileSize, segment.VirtualAddress) : null;

    /// <summary>.eh_frame located by the eh_frame_ptr of .eh_frame_hdr: it runs to the end of its PT_LOAD.</summary>
    private SegmentSection? EhFrameFromHeader(SegmentSection header)
    {
        Span<byte> start = stackalloc byte[16];
        var read = header.Read(0, start);
        if (read < 8 || start[0] != 1) return null;
        ulong address;
        try
        {
            var reader = new DwarfReader(start[..read], header.Address, 4);
            address = reader.EncodedPointer(start[1], header.Address);
        }
        catch (DwarfFormatException)
        {
            return null;
        }
        foreach (var load in Segments)
        {
            if (load.Type != ElfSegment.PT_LOAD || address < load.VirtualAddress || address >= load.VirtualAddress + (ulong)load.FileSize) continue;
            var offset = load.Offset + (long)(address - load.VirtualAddress);
            return new SegmentSection(_source, offset, load.Offset + load.FileSize - offset, address);
        }
        return null;
    }

    private sealed class SegmentSection(ElfSource source, long offset, long size, ulong address) : ISectionData
    {
        public ulong Address => address;

        public long Size => size;

        public int Read(long at, Span<byte> destination)
        {
            if (at < 0 || at >= size) return 0;
            return source.Read(offset + at, destination[..(int)Math.Min(destination.Length, size - at)]);
        }
    }
}
