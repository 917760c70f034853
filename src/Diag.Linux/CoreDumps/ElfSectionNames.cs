using System.Buffers.Binary;
using System.Text;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// The section names of a 64-bit ELF executable, read from its section header table: three small reads at the
/// offsets the ELF header gives, never the whole file. Tells a Go program by its .go.buildinfo section, which
/// stripping keeps.
/// </summary>
internal static class ElfSectionNames
{
    private const int MaxSections = 4096, MaxNameTable = 1 << 20;

    /// <summary>The names, or an empty list when the file cannot be read or is not a 64-bit little-endian ELF.</summary>
    public static IReadOnlyList<string> Read(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[64];
            if (RandomAccess.Read(handle, header, 0) < 64 || !header[..4].SequenceEqual("\u007FELF"u8)
                || header[4] != 2 || header[5] != 1)
                return [];
            long sectionTable = BinaryPrimitives.ReadInt64LittleEndian(header[0x28..]);
            int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3A..]);
            int count = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3C..]);
            int nameIndex = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3E..]);
            if (sectionTable <= 0 || entrySize < 64 || count == 0 || count > MaxSections || nameIndex >= count) return [];

            var sections = new byte[count * entrySize];
            if (RandomAccess.Read(handle, sections, sectionTable) < sections.Length) return [];
            var names = sections.AsSpan(nameIndex * entrySize, entrySize);
            long namesOffset = BinaryPrimitives.ReadInt64LittleEndian(names[24..]);
            long namesSize = BinaryPrimitives.ReadInt64LittleEndian(names[32..]);
            if (namesOffset <= 0 || namesSize <= 0 || namesSize > MaxNameTable) return [];
            var table = new byte[namesSize];
            if (RandomAccess.Read(handle, table, namesOffset) < table.Length) return [];

            var result = new List<string>(count);
            for (int i = 0; i < count; i++)
            {
                int nameOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(sections.AsSpan(i * entrySize));
                if (nameOffset >= table.Length) continue;
                int end = Array.IndexOf(table, (byte)0, nameOffset);
                result.Add(Encoding.ASCII.GetString(table, nameOffset, (end < 0 ? table.Length : end) - nameOffset));
            }
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
