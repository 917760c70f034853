using System.Buffers.Binary;
using System.IO.Compression;
using Diag.Linux.Dwarf;

namespace Diag.Linux.Elf;

/// <summary>One section header of an ELF image, and its bytes on demand (decompressed when the section is
/// SHF_COMPRESSED with zlib, as separate debug files often are).</summary>
internal sealed class ElfSection : ISectionData
{
    public const uint SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_NOBITS = 8, SHT_DYNSYM = 11;
    private const ulong SHF_EXECINSTR = 0x4, SHF_COMPRESSED = 0x800;
    private const uint ELFCOMPRESS_ZLIB = 1;

    private readonly ElfSource _source;
    private byte[]? _decompressed;

    public ElfSection(ElfSource source, int index, string name, uint type, ulong flags, ulong address, long offset, long size, uint link, uint info)
    {
        _source = source;
        Index = index;
        Name = name;
        Type = type;
        Flags = flags;
        Address = address;
        Offset = offset;
        FileSize = size;
        Link = link;
        Info = info;
    }

    public int Index { get; }

    public string Name { get; }

    public uint Type { get; }

    public ulong Flags { get; }

    public ulong Address { get; }

    /// <summary>Offset of the section in the file.</summary>
    public long Offset { get; }

    /// <summary>Size in the file (compressed size for a compressed section).</summary>
    public long FileSize { get; }

    public uint Link { get; }

    public uint Info { get; }

    public bool IsExecutable => (Flags & SHF_EXECINSTR) != 0;

    /// <summary>A section with no bytes in the file (.bss, or .eh_frame in a separate debug file).</summary>
    public bool HasData => Type != SHT_NOBITS && FileSize > 0;

    public long Size => (Flags & SHF_COMPRESSED) != 0 ? Decompressed().Length : FileSize;

    public int Read(long offset, Span<byte> destination)
    {
        if (!HasData || offset < 0) return 0;
        if ((Flags & SHF_COMPRESSED) != 0)
        {
            var bytes = Decompressed();
            if (offset >= bytes.Length) return 0;
            var count = (int)Math.Min(destination.Length, bytes.Length - offset);
            bytes.AsSpan((int)offset, count).CopyTo(destination);
            return count;
        }
        if (offset >= FileSize) return 0;
        var length = (int)Math.Min(destination.Length, FileSize - offset);
        return _source.Read(Offset + offset, destination[..length]);
    }

    /// <summary>The whole section; empty when it has no data or is larger than <paramref name="limit"/>.</summary>
    public byte[] ReadAll(long limit = 256L << 20)
    {
        var size = Size;
        if (!HasData || size > limit) return [];
        var bytes = new byte[size];
        return Read(0, bytes) == bytes.Length ? bytes : [];
    }

    private byte[] Decompressed()
    {
        if (_decompressed is not null) return _decompressed;
        byte[] result = [];
        // Elf64_Chdr: ch_type, ch_reserved, ch_size, ch_addralign; then the zlib stream.
        Span<byte> header = stackalloc byte[24];
        if (_source.Read(Offset, header) == 24 && BinaryPrimitives.ReadUInt32LittleEndian(header) == ELFCOMPRESS_ZLIB)
        {
            var size = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
            if (size <= 256UL << 20 && FileSize > 24)
            {
                var compressed = new byte[FileSize - 24];
                if (_source.Read(Offset + 24, compressed) == compressed.Length)
                {
                    try
                    {
                        using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
                        var bytes = new byte[size];
                        zlib.ReadExactly(bytes);
                        result = bytes;
                    }
                    catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
                    {
                        // corrupt: treated as empty
                    }
                }
            }
        }
        return _decompressed = result;
    }
}
