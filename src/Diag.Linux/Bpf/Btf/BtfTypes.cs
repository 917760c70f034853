using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Diag.Linux.Bpf.Btf;

/// <summary>
/// The types of one BTF blob: the kernel's (<c>/sys/kernel/btf/vmlinux</c>) or a module's, which is split
/// BTF on top of the kernel's (its type ids and string offsets continue after vmlinux's). Format:
/// Documentation/bpf/btf.rst. Parsing only records where each type starts; the name index is built on the
/// first lookup by name, and everything else is read from the raw bytes when asked. Immutable once built
/// and safe to share between threads. The lookups (members by path, enums, functions, type names) are in
/// the other BtfTypes.*.cs files.
/// </summary>
internal sealed partial class BtfTypes
{
    private const ushort Magic = 0xEB9F;
    private const int HeaderLength = 24;

    private readonly BtfBytes _data;
    private readonly int _strings;
    private readonly int _stringsLength;
    private readonly int _firstStringOffset;
    private readonly int[] _offsets; // where type FirstId + i starts in _data
    private readonly Lazy<BtfNameIndex> _functionNames, _typeNames;

    private BtfTypes(string name, BtfBytes data, BtfTypes? baseTypes, int types, int typesLength, int strings, int stringsLength)
    {
        Name = name;
        Base = baseTypes;
        _data = data;
        _strings = strings;
        _stringsLength = stringsLength;
        _firstStringOffset = baseTypes is null ? 0 : baseTypes._firstStringOffset + baseTypes._stringsLength;
        FirstId = baseTypes is null ? 1 : baseTypes.LastId + 1;
        _offsets = TypeOffsets(data.Span, types, typesLength);
        _functionNames = new Lazy<BtfNameIndex>(() => NameIndex(functions: true), LazyThreadSafetyMode.ExecutionAndPublication);
        _typeNames = new Lazy<BtfNameIndex>(() => NameIndex(functions: false), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>"vmlinux", or the module whose BTF this is.</summary>
    public string Name { get; }

    /// <summary>The kernel's BTF under a module's split BTF; null for vmlinux itself.</summary>
    public BtfTypes? Base { get; }

    /// <summary>The first type id defined here: 1 for vmlinux, the one after vmlinux's last for a module.</summary>
    public int FirstId { get; }

    /// <summary>The last type id defined here.</summary>
    public int LastId => FirstId + _offsets.Length - 1;

    /// <summary>Parses raw BTF (little-endian, as the kernel exports it on x86_64 and arm64). For a module's
    /// split BTF, <paramref name="baseTypes"/> is the kernel's. Throws <see cref="InvalidDataException"/>.</summary>
    public static BtfTypes Parse(byte[] data, string name, BtfTypes? baseTypes = null) =>
        Parse(BtfBytes.FromArray(data), name, baseTypes);

    /// <summary>As <see cref="Parse(byte[], string, BtfTypes?)"/>, over bytes that may be a mapping of the file.</summary>
    public static BtfTypes Parse(BtfBytes bytes, string name, BtfTypes? baseTypes = null)
    {
        var data = bytes.Span;
        if (data.Length < HeaderLength || BinaryPrimitives.ReadUInt16LittleEndian(data) != Magic)
            throw new InvalidDataException($"{name}: not BTF (or not little-endian)");
        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        var typeOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        var typeLength = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        var stringOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[16..]);
        var stringLength = BinaryPrimitives.ReadUInt32LittleEndian(data[20..]);
        if (headerLength < HeaderLength || (long)headerLength + typeOffset + typeLength > data.Length
            || (long)headerLength + stringOffset + stringLength > data.Length)
            throw new InvalidDataException($"{name}: BTF sections beyond the end of the data");
        return new BtfTypes(name, bytes, baseTypes, (int)(headerLength + typeOffset), (int)typeLength,
            (int)(headerLength + stringOffset), (int)stringLength);
    }

    /// <summary>The type with id <paramref name="id"/>, here or in the base; id 0 is void.</summary>
    public BtfType this[int id]
    {
        get
        {
            if (id == 0)
                return default;
            if (id < FirstId)
                return Base is null ? throw new InvalidDataException($"{Name}: no BTF type {id}") : Base[id];
            if (id > LastId)
                throw new InvalidDataException($"{Name}: BTF type {id} is beyond the last ({LastId})");
            return new BtfType(_data, _offsets[id - FirstId]);
        }
    }

    /// <summary>The name of type <paramref name="id"/>; empty for anonymous types and void.</summary>
    public string NameOf(int id) => String(this[id].NameOffset);

    /// <summary>The string at <paramref name="offset"/> in the string section (the base's below its end).</summary>
    public string String(uint offset) => offset == 0 ? "" : Encoding.UTF8.GetString(StringBytes(offset));

    /// <summary>The bytes of the NUL-terminated string at <paramref name="offset"/>, without the NUL.</summary>
    public ReadOnlySpan<byte> StringBytes(uint offset)
    {
        if (offset < _firstStringOffset)
            return Base!.StringBytes(offset);
        var local = offset - _firstStringOffset;
        if (local >= _stringsLength)
            throw new InvalidDataException($"{Name}: BTF string offset {offset} is beyond the string section");
        var rest = _data.Span.Slice(_strings + (int)local, _stringsLength - (int)local);
        var end = rest.IndexOf((byte)0);
        return end < 0 ? rest : rest[..end];
    }

    /// <summary>The id of the first type named <paramref name="name"/> of one of <paramref name="kinds"/>,
    /// defined here or (for split BTF) in the base; 0 when there is none. An index lookup, not a scan.</summary>
    public int Find(string name, params BtfKind[] kinds) =>
        FindHere(name, kinds) is var id and > 0 ? id : Base?.Find(name, kinds) ?? 0;

    /// <summary>As <see cref="Find"/>, among the types this blob defines itself (not its base): which module
    /// holds a type.</summary>
    public int FindHere(string name, params BtfKind[] kinds)
    {
        bool functions = false, others = false;
        foreach (var kind in kinds)
        {
            functions |= kind == BtfKind.Function;
            others |= kind != BtfKind.Function;
        }
        var function = functions ? _functionNames.Value.Find(name, kinds) : 0;
        var other = others ? _typeNames.Value.Find(name, kinds) : 0;
        return function == 0 || (other != 0 && other < function) ? other : function;
    }

    /// <summary>Type <paramref name="id"/> with typedefs and const/volatile/restrict/type_tag modifiers
    /// looked through; its id in <paramref name="resolvedId"/>.</summary>
    public BtfType Resolve(int id, out int resolvedId)
    {
        for (var depth = 0; depth < 64; depth++)
        {
            var type = this[id];
            if (type.Kind is not (BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag))
            {
                resolvedId = id;
                return type;
            }
            id = (int)type.SizeOrType;
        }
        throw new InvalidDataException($"{Name}: BTF type chain at {id} does not end");
    }

    /// <summary>The size in bytes of type <paramref name="id"/>; null for void, functions and forward declarations.</summary>
    public long? SizeOf(int id)
    {
        var type = Resolve(id, out _);
        switch (type.Kind)
        {
            case BtfKind.Int or BtfKind.Enum or BtfKind.Enum64 or BtfKind.Struct or BtfKind.Union or BtfKind.Float or BtfKind.DataSection:
                return type.SizeOrType;
            case BtfKind.Pointer:
                return PointerSize;
            case BtfKind.Array:
                var (element, count) = type.Array;
                return SizeOf(element) is { } size ? size * count : null;
            default:
                return null;
        }
    }

    private BtfNameIndex NameIndex(bool functions) =>
        new(this, functions, _data.Span, _offsets, _data.Span.Slice(_strings, _stringsLength), _firstStringOffset);

    /// <summary>Kernel pointers are as wide as this process's: BTF does not record it, and Diag runs 64-bit.</summary>
    public static int PointerSize => IntPtr.Size;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once, cold: straight to optimized code
    private static int[] TypeOffsets(ReadOnlySpan<byte> data, int start, int length)
    {
        // One pass into an array sized for the most types the section can hold (12 bytes each at least),
        // then trimmed: the kernel's ~125,000 types, no list growth.
        var offsets = new int[length / 12];
        var count = 0;
        for (var position = start; position < start + length; count++)
        {
            offsets[count] = position;
            position = Next(data, position, start + length);
        }
        System.Array.Resize(ref offsets, count);
        return offsets;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Next(ReadOnlySpan<byte> data, int position, int end)
    {
        if (position + 12 > end)
            throw new InvalidDataException("BTF type section ends inside a type");
        var info = BinaryPrimitives.ReadUInt32LittleEndian(data[(position + 4)..]);
        var kind = (BtfKind)((info >> 24) & 0x1f);
        var extra = BtfType.ExtraBytes(kind, (int)(info & 0xffff));
        if (extra < 0)
            throw new InvalidDataException($"unknown BTF kind {(int)kind} (a kernel newer than this reader)");
        return position + 12 + extra;
    }
}
