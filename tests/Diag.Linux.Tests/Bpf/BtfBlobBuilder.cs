using System.Buffers.Binary;
using System.Text;
using Diag.Linux.Bpf.Btf;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// Writes small BTF blobs by hand, word by word as Documentation/bpf/btf.rst lays them out, for the cases the
/// running kernel cannot be made to show on demand: legacy bitfields, enum64 with high values, a module's
/// split BTF on a base. Each method returns the new type's id. Independent of the reader under test: it
/// shares no code with it.
/// </summary>
internal sealed class BtfBlobBuilder
{
    private readonly List<uint> _types = new();
    private readonly MemoryStream _strings = new();
    private readonly Dictionary<string, uint> _stringOffsets = new(StringComparer.Ordinal);
    private readonly int _firstStringOffset;
    private int _nextId;

    /// <summary>A base blob, or split BTF on top of <paramref name="baseBlob"/> (ids and string offsets continue after it).</summary>
    public BtfBlobBuilder(BtfBlobBuilder? baseBlob = null)
    {
        if (baseBlob is null)
        {
            _nextId = 1;
            _strings.WriteByte(0); // offset 0 is the empty name
            _stringOffsets[""] = 0;
        }
        else
        {
            _nextId = baseBlob._nextId;
            _firstStringOffset = baseBlob._firstStringOffset + (int)baseBlob._strings.Length;
        }
    }

    public const int KindFlag = 1 << 31;

    public int Int(string name, int size, bool signed = false, int bits = 0, int bitOffset = 0) =>
        Add(name, BtfKind.Int, 0, (uint)size, (uint)((signed ? 1 : 0) << 24 | bitOffset << 16 | (bits == 0 ? size * 8 : bits)));

    public int Pointer(int target) => Add("", BtfKind.Pointer, 0, (uint)target);

    public int Array(int element, int count, int indexType) => Add("", BtfKind.Array, 0, 0, (uint)element, (uint)indexType, (uint)count);

    public int Typedef(string name, int target) => Add(name, BtfKind.Typedef, 0, (uint)target);

    public int Modifier(BtfKind kind, int target) => Add("", kind, 0, (uint)target);

    public int TypeTag(string tag, int target) => Add(tag, BtfKind.TypeTag, 0, (uint)target);

    public int Forward(string name, bool union = false) => Add(name, BtfKind.Forward, union ? KindFlag : 0, 0);

    /// <summary>A struct or union; member offsets in bits. With any bitfield size given, kind_flag encoding is used.</summary>
    public int Composite(BtfKind kind, string name, int size, params (string Name, int Type, int BitOffset, int BitfieldSize)[] members)
    {
        var kindFlag = members.Any(m => m.BitfieldSize != 0);
        var words = members.SelectMany(m => new[]
        {
            String(m.Name), (uint)m.Type, kindFlag ? (uint)(m.BitfieldSize << 24 | m.BitOffset) : (uint)m.BitOffset,
        }).ToArray();
        return Add(name, kind, (kindFlag ? KindFlag : 0) | members.Length, (uint)size, words);
    }

    public int Enum(string name, int size, bool signed, params (string Name, int Value)[] values) =>
        Add(name, BtfKind.Enum, (signed ? KindFlag : 0) | values.Length, (uint)size,
            values.SelectMany(v => new[] { String(v.Name), (uint)v.Value }).ToArray());

    public int Enum64(string name, bool signed, params (string Name, ulong Value)[] values) =>
        Add(name, BtfKind.Enum64, (signed ? KindFlag : 0) | values.Length, 8,
            values.SelectMany(v => new[] { String(v.Name), (uint)v.Value, (uint)(v.Value >> 32) }).ToArray());

    /// <summary>A prototype; a last parameter of type 0 without a name means "...".</summary>
    public int FunctionProto(int returnType, params (string Name, int Type)[] parameters) =>
        Add("", BtfKind.FunctionProto, parameters.Length, (uint)returnType,
            parameters.SelectMany(p => new[] { String(p.Name), (uint)p.Type }).ToArray());

    public int Function(string name, int proto, BtfLinkage linkage = BtfLinkage.Global) =>
        Add(name, BtfKind.Function, (int)linkage, (uint)proto);

    /// <summary>A type of a raw kind number (e.g. one from a future kernel) with no extra data.</summary>
    public int Raw(int kind) => AddInfo("", (uint)kind << 24, 0);

    public byte[] Build()
    {
        var types = new byte[_types.Count * 4];
        for (var i = 0; i < _types.Count; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(types.AsSpan(i * 4), _types[i]);
        var strings = _strings.ToArray();
        var blob = new byte[24 + types.Length + strings.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(blob, 0xEB9F);
        blob[2] = 1; // version
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), (uint)types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(20), (uint)strings.Length);
        types.CopyTo(blob, 24);
        strings.CopyTo(blob, 24 + types.Length);
        return blob;
    }

    /// <summary>The offset of <paramref name="text"/> in this blob's string section (after the base's, for split BTF).</summary>
    public uint String(string text)
    {
        if (text.Length == 0)
            return 0;
        if (!_stringOffsets.TryGetValue(text, out var offset))
        {
            offset = (uint)(_firstStringOffset + _strings.Length);
            _strings.Write(Encoding.UTF8.GetBytes(text));
            _strings.WriteByte(0);
            _stringOffsets[text] = offset;
        }
        return offset;
    }

    private int Add(string name, BtfKind kind, int vlenAndFlag, uint sizeOrType, params uint[] extra) =>
        AddInfo(name, (uint)kind << 24 | (uint)vlenAndFlag, sizeOrType, extra);

    private int AddInfo(string name, uint info, uint sizeOrType, params uint[] extra)
    {
        _types.Add(String(name));
        _types.Add(info);
        _types.Add(sizeOrType);
        _types.AddRange(extra);
        return _nextId++;
    }
}
