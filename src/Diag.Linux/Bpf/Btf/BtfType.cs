using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Diag.Linux.Bpf.Btf;

/// <summary>
/// A view of one type record in raw BTF: <c>struct btf_type</c> (name offset, info, size or type) and the
/// kind-specific data after it. Reads the bytes where they lie; nothing is decoded ahead of use.
/// </summary>
internal readonly struct BtfType
{
    private readonly BtfBytes? _data;
    private readonly int _at;

    internal BtfType(BtfBytes data, int at)
    {
        _data = data;
        _at = at;
    }

    /// <summary>Type id 0: void (also the return type of a void function, and the end of varargs).</summary>
    public bool IsVoid => _data is null;

    public uint NameOffset => IsVoid ? 0 : U32(0);

    private uint Info => IsVoid ? 0 : U32(4);

    public BtfKind Kind => (BtfKind)((Info >> 24) & 0x1f);

    /// <summary>The number of members, enum values or parameters (vlen); a FUNC's linkage.</summary>
    public int Count => (int)(Info & 0xffff);

    /// <summary>kind_flag: members carry bitfield sizes (struct, union), a signed enum, a forward union.</summary>
    public bool KindFlag => (Info >> 31) != 0;

    /// <summary>size_or_type: the size in bytes of an int, enum, struct, union or float; the type referred
    /// to by a pointer, typedef, modifier, FUNC (its FUNC_PROTO) or FUNC_PROTO (its return type).</summary>
    public uint SizeOrType => IsVoid ? 0 : U32(8);

    /// <summary>The 32-bit word <paramref name="index"/> after the 12-byte header.</summary>
    public uint Word(int index) => U32(12 + 4 * index);

    /// <summary>Bytes that follow the 12-byte header for a type of this kind; -1 for a kind this reader does not know.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ExtraBytes(BtfKind kind, int count) => kind switch
    {
        BtfKind.Int or BtfKind.Variable or BtfKind.DeclTag => 4,
        BtfKind.Array => 12,
        BtfKind.Struct or BtfKind.Union or BtfKind.DataSection or BtfKind.Enum64 => count * 12,
        BtfKind.Enum or BtfKind.FunctionProto => count * 8,
        BtfKind.Pointer or BtfKind.Forward or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
            or BtfKind.Function or BtfKind.Float or BtfKind.TypeTag => 0,
        _ => -1,
    };

    /// <summary>Member <paramref name="index"/> of a struct or union: <c>struct btf_member</c>. With kind_flag the
    /// offset word holds the bitfield size in its top 8 bits and the bit offset below.</summary>
    public (uint NameOffset, int Type, uint BitOffset, int BitfieldSize) Member(int index)
    {
        var offset = Word(3 * index + 2);
        return (Word(3 * index), (int)Word(3 * index + 1),
            KindFlag ? offset & 0xffffff : offset, KindFlag ? (int)(offset >> 24) : 0);
    }

    /// <summary>Value <paramref name="index"/> of an ENUM (32-bit, sign-extended when the enum is signed,
    /// zero-extended otherwise) or an ENUM64.</summary>
    public (uint NameOffset, long Value) EnumValue(int index)
    {
        if (Kind == BtfKind.Enum64)
            return (Word(3 * index), (long)((ulong)Word(3 * index + 2) << 32 | Word(3 * index + 1)));
        var raw = Word(2 * index + 1);
        return (Word(2 * index), KindFlag ? (int)raw : raw);
    }

    /// <summary>Parameter <paramref name="index"/> of a FUNC_PROTO: <c>struct btf_param</c>.</summary>
    public (uint NameOffset, int Type) Parameter(int index) => (Word(2 * index), (int)Word(2 * index + 1));

    /// <summary>An ARRAY's element type and element count (0 for a flexible array member).</summary>
    public (int ElementType, uint Count) Array => ((int)Word(0), Word(2));

    /// <summary>An INT's encoding word: signed/char/bool bits, the legacy bit offset and the number of bits.</summary>
    public (bool Signed, int BitOffset, int Bits) IntEncoding
    {
        get
        {
            var word = Word(0);
            return (((word >> 24) & 1) != 0, (int)((word >> 16) & 0xff), (int)(word & 0xff));
        }
    }

    private uint U32(int relative) => BinaryPrimitives.ReadUInt32LittleEndian(_data!.Span[(_at + relative)..]);
}
