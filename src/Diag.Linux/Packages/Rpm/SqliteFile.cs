using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Diag.Linux.Packages.Rpm;

/// <summary>
/// A read-only reader of the SQLite file format (sqlite.org/fileformat2.html), enough to list the rows of one table:
/// the schema on page 1, table b-trees (interior and leaf pages), records, overflow chains, and the committed frames of
/// a write-ahead log beside the file (RPM keeps its database in WAL mode). No SQL, no locking: RPM's database is read
/// as it stands, as rpm -q with a shared lock would see it, without linking a SQLite library into the module.
/// </summary>
internal sealed class SqliteFile : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly Dictionary<uint, long> _walFrames = new();
    private readonly SafeFileHandle? _wal;
    private readonly int _usable;

    public SqliteFile(string path)
    {
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = new byte[100];
        if (RandomAccess.Read(_file, header, 0) < 100 || !header.AsSpan(0, 16).SequenceEqual("SQLite format 3\0"u8))
            throw new InvalidDataException($"{path} is not an SQLite 3 database.");
        int pageSize = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        PageSize = pageSize == 1 ? 65536 : pageSize;
        _usable = PageSize - header[20];
        if (BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(56)) is not (0 or 1))
            throw new InvalidDataException($"{path} stores text in UTF-16, which this reader does not read.");
        var walPath = path + "-wal";
        if (File.Exists(walPath) && new FileInfo(walPath).Length > 32)
        {
            _wal = File.OpenHandle(walPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            ReadWalIndex();
        }
    }

    public int PageSize { get; }

    /// <summary>The root page of a table, from sqlite_schema; null when there is no such table.</summary>
    public uint? TableRoot(string name)
    {
        foreach (var (_, record) in Rows(1))
        {
            var columns = Record(record);
            if (columns.Count >= 4 && columns[0] is "table" && columns[1] is string n && n.Equals(name, StringComparison.OrdinalIgnoreCase))
                return columns[3] is long root ? (uint)root : null;
        }
        return null;
    }

    /// <summary>Every row of the table b-tree at <paramref name="rootPage"/>: its rowid and its record's bytes.</summary>
    public IEnumerable<(long RowId, byte[] Record)> Rows(uint rootPage)
    {
        var pending = new Stack<uint>();
        pending.Push(rootPage);
        var seen = new HashSet<uint>();
        while (pending.Count > 0)
        {
            uint number = pending.Pop();
            if (!seen.Add(number)) throw new InvalidDataException($"The b-tree loops at page {number}.");
            var page = Page(number);
            int at = number == 1 ? 100 : 0;
            byte kind = page[at];
            int cells = BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(at + 3));
            if (kind == 0x05)
            {
                // Children pushed in reverse, so rows come out in rowid order.
                pending.Push(BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(at + 8)));
                for (int i = cells - 1; i >= 0; i--)
                {
                    int cell = BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(at + 12 + 2 * i));
                    pending.Push(BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(cell)));
                }
            }
            else if (kind == 0x0D)
            {
                for (int i = 0; i < cells; i++)
                {
                    int cell = BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(at + 8 + 2 * i));
                    long payload = Varint(page, ref cell);
                    long rowId = Varint(page, ref cell);
                    yield return (rowId, Payload(page, cell, payload));
                }
            }
            else throw new InvalidDataException($"Page {number} is not a table b-tree page (type 0x{kind:x2}).");
        }
    }

    /// <summary>A record's columns: null, long, double, string or byte[].</summary>
    public static List<object?> Record(byte[] record)
    {
        int at = 0;
        long headerSize = Varint(record, ref at);
        var types = new List<long>();
        while (at < headerSize) types.Add(Varint(record, ref at));
        int data = (int)headerSize;
        var columns = new List<object?>(types.Count);
        foreach (long type in types)
        {
            switch (type)
            {
                case 0: columns.Add(null); break;
                case >= 1 and <= 6:
                    int size = type switch { 5 => 6, 6 => 8, _ => (int)type };
                    long value = (sbyte)record[data];
                    for (int i = 1; i < size; i++) value = (value << 8) | record[data + i];
                    columns.Add(value);
                    data += size;
                    break;
                case 7: columns.Add(BinaryPrimitives.ReadDoubleBigEndian(record.AsSpan(data))); data += 8; break;
                case 8: columns.Add(0L); break;
                case 9: columns.Add(1L); break;
                case >= 12 when type % 2 == 0:
                    int blob = (int)((type - 12) / 2);
                    columns.Add(record.AsSpan(data, blob).ToArray());
                    data += blob;
                    break;
                case >= 13:
                    int text = (int)((type - 13) / 2);
                    columns.Add(Encoding.UTF8.GetString(record, data, text));
                    data += text;
                    break;
                default: throw new InvalidDataException($"Unknown serial type {type}.");
            }
        }
        return columns;
    }

    private byte[] Payload(byte[] page, int at, long size)
    {
        // How much of a payload stays on its page (the file format's X, M and K).
        int maxLocal = _usable - 35;
        int local;
        if (size <= maxLocal) local = (int)size;
        else
        {
            int minLocal = (_usable - 12) * 32 / 255 - 23;
            int k = (int)(minLocal + (size - minLocal) % (_usable - 4));
            local = k <= maxLocal ? k : minLocal;
        }
        var payload = new byte[size];
        page.AsSpan(at, local).CopyTo(payload);
        int filled = local;
        uint next = local < size ? BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(at + local)) : 0;
        var seen = new HashSet<uint>();
        while (filled < size)
        {
            if (next == 0 || !seen.Add(next)) throw new InvalidDataException("An overflow chain ends early or loops.");
            var overflow = Page(next);
            int take = (int)Math.Min(size - filled, _usable - 4);
            overflow.AsSpan(4, take).CopyTo(payload.AsSpan(filled));
            filled += take;
            next = BinaryPrimitives.ReadUInt32BigEndian(overflow);
        }
        return payload;
    }

    private byte[] Page(uint number)
    {
        var page = new byte[PageSize];
        int read = _walFrames.TryGetValue(number, out long walOffset)
            ? RandomAccess.Read(_wal!, page, walOffset)
            : RandomAccess.Read(_file, page, (long)(number - 1) * PageSize);
        if (read != PageSize) throw new InvalidDataException($"Page {number} lies beyond the end of the file.");
        return page;
    }

    /// <summary>Which pages the log holds a committed newer copy of: frames whose salts match the log header and whose
    /// running checksum holds, up to the last commit frame (a frame with the database size set).</summary>
    private void ReadWalIndex()
    {
        var header = new byte[32];
        if (RandomAccess.Read(_wal!, header, 0) < 32) return;
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic is not (0x377f0682 or 0x377f0683) || BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8)) != PageSize) return;
        bool bigEndian = (magic & 1) == 1;
        var (s0, s1) = Checksum(header.AsSpan(0, 24), 0, 0, bigEndian);
        if (s0 != BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(24)) || s1 != BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(28))) return;
        var frame = new byte[24 + PageSize];
        var uncommitted = new Dictionary<uint, long>();
        for (long offset = 32; RandomAccess.Read(_wal!, frame, offset) == frame.Length; offset += frame.Length)
        {
            if (!frame.AsSpan(8, 8).SequenceEqual(header.AsSpan(16, 8))) break;
            (s0, s1) = Checksum(frame.AsSpan(0, 8), s0, s1, bigEndian);
            (s0, s1) = Checksum(frame.AsSpan(24), s0, s1, bigEndian);
            if (s0 != BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(16)) || s1 != BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(20))) break;
            uncommitted[BinaryPrimitives.ReadUInt32BigEndian(frame)] = offset + 24;
            if (BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(4)) != 0)
            {
                foreach (var (page, at) in uncommitted) _walFrames[page] = at;
                uncommitted.Clear();
            }
        }
    }

    private static (uint, uint) Checksum(ReadOnlySpan<byte> data, uint s0, uint s1, bool bigEndian)
    {
        for (int i = 0; i + 8 <= data.Length; i += 8)
        {
            uint a = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data[i..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            uint b = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data[(i + 4)..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4)..]);
            s0 += a + s1;
            s1 += b + s0;
        }
        return (s0, s1);
    }

    /// <summary>SQLite's big-endian varint: seven bits per byte while the top bit is set, all eight bits of a ninth.</summary>
    private static long Varint(byte[] data, ref int at)
    {
        long value = 0;
        for (int i = 0; i < 8; i++)
        {
            byte b = data[at++];
            value = (value << 7) | (uint)(b & 0x7f);
            if ((b & 0x80) == 0) return value;
        }
        return (value << 8) | data[at++];
    }

    public void Dispose()
    {
        _file.Dispose();
        _wal?.Dispose();
    }
}
