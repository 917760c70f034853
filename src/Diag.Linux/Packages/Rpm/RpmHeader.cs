using System.Buffers.Binary;
using System.Text;

namespace Diag.Linux.Packages.Rpm;

/// <summary>
/// An RPM header as rpmdb stores it (no lead, no signature): il and dl (big-endian counts), il index entries of
/// 16 bytes {tag, type, offset, count}, then dl bytes of data. Only the tags the file index and verification use are
/// read; an entry that points outside the data is an error, never a wild read.
/// </summary>
internal sealed class RpmHeader
{
    public const int Name = 1000, Version = 1001, Release = 1002, Epoch = 1003, Arch = 1022, FileSizes = 1028, FileModes = 1030,
        FileDigests = 1035, FileLinkTos = 1036, FileFlags = 1037, FileUserName = 1039, FileGroupName = 1040, DirIndexes = 1116,
        BaseNames = 1117, DirNames = 1118, LongFileSizes = 5008, FileDigestAlgo = 5011;

    private const int TypeInt16 = 3, TypeInt32 = 4, TypeInt64 = 5, TypeString = 6, TypeStringArray = 8, TypeI18nString = 9;

    private readonly Dictionary<int, (int Type, int Offset, int Count)> _entries = new();
    private readonly byte[] _blob;
    private readonly int _data;

    public RpmHeader(byte[] blob)
    {
        _blob = blob;
        if (blob.Length < 8) throw new InvalidDataException("An RPM header is shorter than its counts.");
        int il = BinaryPrimitives.ReadInt32BigEndian(blob), dl = BinaryPrimitives.ReadInt32BigEndian(blob.AsSpan(4));
        _data = 8 + 16 * il;
        if (il < 0 || dl < 0 || (long)_data + dl > blob.Length) throw new InvalidDataException("An RPM header's counts exceed its blob.");
        for (int i = 0; i < il; i++)
        {
            var e = blob.AsSpan(8 + 16 * i);
            int tag = BinaryPrimitives.ReadInt32BigEndian(e), type = BinaryPrimitives.ReadInt32BigEndian(e[4..]);
            int offset = BinaryPrimitives.ReadInt32BigEndian(e[8..]), count = BinaryPrimitives.ReadInt32BigEndian(e[12..]);
            if (offset < 0 || offset > dl || count < 0) throw new InvalidDataException($"RPM header tag {tag} points outside the header.");
            _entries.TryAdd(tag, (type, offset, count));
        }
    }

    public bool Has(int tag) => _entries.ContainsKey(tag);

    public string? String(int tag)
    {
        if (!_entries.TryGetValue(tag, out var e) || e.Type is not (TypeString or TypeI18nString or TypeStringArray)) return null;
        return ReadStrings(e.Offset, 1)[0];
    }

    public string[] Strings(int tag) =>
        _entries.TryGetValue(tag, out var e) && e.Type is TypeStringArray or TypeI18nString ? ReadStrings(e.Offset, e.Count) : [];

    public long[] Numbers(int tag)
    {
        if (!_entries.TryGetValue(tag, out var e)) return [];
        int size = e.Type switch { TypeInt16 => 2, TypeInt32 => 4, TypeInt64 => 8, _ => 0 };
        if (size == 0) return [];
        int start = _data + e.Offset;
        if ((long)start + (long)size * e.Count > _blob.Length) throw new InvalidDataException($"RPM header tag {tag} runs past the header.");
        var values = new long[e.Count];
        for (int i = 0; i < e.Count; i++)
        {
            var at = _blob.AsSpan(start + i * size);
            values[i] = size switch
            {
                2 => BinaryPrimitives.ReadUInt16BigEndian(at),
                4 => BinaryPrimitives.ReadUInt32BigEndian(at),
                _ => BinaryPrimitives.ReadInt64BigEndian(at),
            };
        }
        return values;
    }

    public long? Number(int tag) => Numbers(tag) is { Length: > 0 } n ? n[0] : null;

    private string[] ReadStrings(int offset, int count)
    {
        var result = new string[count];
        int at = _data + offset;
        for (int i = 0; i < count; i++)
        {
            int end = Array.IndexOf(_blob, (byte)0, at);
            if (end < 0) throw new InvalidDataException("An RPM header string has no terminator.");
            result[i] = Encoding.UTF8.GetString(_blob, at, end - at);
            at = end + 1;
        }
        return result;
    }
}
