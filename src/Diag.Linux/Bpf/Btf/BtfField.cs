using System.Globalization;

namespace Diag.Linux.Bpf.Btf;

/// <summary>
/// Where a member of a kernel structure lies, found by path ("task_struct.comm", "sk_buff.head",
/// "mm_struct.arg_start" through an anonymous struct): offset from the start of the outermost structure,
/// size, and the kind of its type with typedefs and modifiers looked through. A bitfield has no byte offset
/// (<see cref="ByteOffset"/> is null) so that it cannot be read as a whole byte by mistake: read it with
/// <see cref="Bitfield"/>.
/// </summary>
internal sealed class BtfField
{
    private readonly BtfTypes _types;

    internal BtfField(BtfTypes types, string path, int typeId, BtfKind kind, long sizeBytes, long bitOffset, int bitSize,
        bool isBitfield, bool isSigned, long elementSizeBytes, long elementCount)
    {
        _types = types;
        Path = path;
        TypeId = typeId;
        Kind = kind;
        SizeBytes = sizeBytes;
        BitOffset = bitOffset;
        BitSize = bitSize;
        IsBitfield = isBitfield;
        IsSigned = isSigned;
        ElementSizeBytes = elementSizeBytes;
        ElementCount = elementCount;
    }

    /// <summary>The structure and member path asked for, e.g. "task_struct.comm".</summary>
    public string Path { get; }

    /// <summary>The member's type id as declared (a typedef stays a typedef).</summary>
    public int TypeId { get; }

    /// <summary>The member's type as C spells it: "pid_t", "char[16]", "struct mm_struct *" (spelled when asked:
    /// programs need only offsets and sizes).</summary>
    public string TypeName => _types.TypeName(TypeId);

    /// <summary>The kind of the member's type behind typedefs and modifiers: Int, Pointer, Array, Struct,
    /// Union, Enum, Enum64 or Float.</summary>
    public BtfKind Kind { get; }

    /// <summary>The size of the member's type (a bitfield's declared type, e.g. 4 for unsigned int:1).</summary>
    public long SizeBytes { get; }

    /// <summary>Bits from the start of the outermost structure.</summary>
    public long BitOffset { get; }

    /// <summary>The member's width in bits (SizeBytes * 8 unless a bitfield).</summary>
    public int BitSize { get; }

    public bool IsBitfield { get; }

    /// <summary>A signed integer or enum.</summary>
    public bool IsSigned { get; }

    /// <summary>For an array: the size of one element (of the innermost element type), else 0.</summary>
    public long ElementSizeBytes { get; }

    /// <summary>For an array: its element count (0 for a flexible array member), else 0.</summary>
    public long ElementCount { get; }

    /// <summary>Bytes from the start of the outermost structure; null for a bitfield.</summary>
    public int? ByteOffset => IsBitfield ? null : (int)(BitOffset / 8);

    /// <summary>How to read a bitfield, as libbpf's CO-RE does (relo_core.c, bpf_core_calc_field_relo): load
    /// <c>SizeBytes</c> at <c>ByteOffset</c> (the smallest naturally aligned load that holds every bit), then
    /// shift the 64-bit register left by <c>ShiftLeft</c> and right by <c>ShiftRight</c> (arithmetically when
    /// <see cref="IsSigned"/>). Null for a member that is not a bitfield.</summary>
    public BtfBitfieldLoad? Bitfield
    {
        get
        {
            if (!IsBitfield)
                return null;
            var loadSize = (int)Math.Clamp(SizeBytes, 1, 8);
            var loadOffset = BitOffset / 8 / loadSize * loadSize;
            while (BitOffset + BitSize - loadOffset * 8 > loadSize * 8)
            {
                if (loadSize >= 8)
                    return null; // straddles an 8-byte boundary: no single load holds it
                loadSize *= 2;
                loadOffset = BitOffset / 8 / loadSize * loadSize;
            }
            return new BtfBitfieldLoad((int)loadOffset, loadSize, (int)(64 - (BitOffset + BitSize - loadOffset * 8)), 64 - BitSize);
        }
    }

    public override string ToString() => IsBitfield
        ? string.Create(CultureInfo.InvariantCulture, $"{Path}: {TypeName}:{BitSize} at bit {BitOffset} (byte {BitOffset / 8}, bit {BitOffset % 8})")
        : string.Create(CultureInfo.InvariantCulture, $"{Path}: {TypeName} at {BitOffset / 8}, {SizeBytes} bytes");
}

/// <summary>The load and the two shifts that extract a bitfield into a 64-bit register (little-endian).</summary>
internal readonly record struct BtfBitfieldLoad(int ByteOffset, int SizeBytes, int ShiftLeft, int ShiftRight);
