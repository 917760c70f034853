using System.Buffers.Binary;

namespace Diag.Linux.Dwarf;

/// <summary>
/// Reads the little-endian integers, LEB128 numbers and pointer encodings (DW_EH_PE_*) of DWARF call
/// frame information from a span. <see cref="Address"/> is the address of the span's first byte, for
/// pc-relative pointers. Reading past the end throws <see cref="DwarfFormatException"/>.
/// </summary>
internal ref struct DwarfReader
{
    private readonly ReadOnlySpan<byte> _data;

    public DwarfReader(ReadOnlySpan<byte> data, ulong address = 0, int position = 0)
    {
        _data = data;
        Address = address;
        Position = position;
    }

    public int Position;

    public readonly ulong Address { get; }

    public readonly int Length => _data.Length;

    public readonly bool AtEnd => Position >= _data.Length;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public ulong ULeb128()
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = U8();
            if (shift < 64) value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }

    public long SLeb128()
    {
        long value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = U8();
            if (shift < 64) value |= (long)(b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) value |= -1L << shift;
        return value;
    }

    public ReadOnlySpan<byte> Bytes(int count) => Take(count);

    public void Skip(int count) => Take(count);

    /// <summary>A NUL-terminated ASCII string (CIE augmentation).</summary>
    public string CString()
    {
        var rest = _data[Position..];
        var end = rest.IndexOf((byte)0);
        if (end < 0) throw new DwarfFormatException("unterminated string");
        Position += end + 1;
        return System.Text.Encoding.ASCII.GetString(rest[..end]);
    }

    /// <summary>A pointer in the given DW_EH_PE_* encoding; <paramref name="dataBase"/> is used by datarel
    /// (.eh_frame_hdr). Indirect pointers are returned as the address of the pointer (only personality
    /// routines use them, and the unwinder does not follow them).</summary>
    public ulong EncodedPointer(byte encoding, ulong dataBase = 0)
    {
        if (encoding == DwarfConstants.DW_EH_PE_omit) return 0;
        var fieldAddress = Address + (ulong)Position;
        if ((encoding & 0x70) == DwarfConstants.DW_EH_PE_aligned)
        {
            Position = (Position + 7) & ~7;
            fieldAddress = Address + (ulong)Position;
        }
        ulong value = (encoding & 0x0f) switch
        {
            DwarfConstants.DW_EH_PE_absptr => U64(),
            DwarfConstants.DW_EH_PE_uleb128 => ULeb128(),
            DwarfConstants.DW_EH_PE_udata2 => U16(),
            DwarfConstants.DW_EH_PE_udata4 => U32(),
            DwarfConstants.DW_EH_PE_udata8 => U64(),
            DwarfConstants.DW_EH_PE_sleb128 => (ulong)SLeb128(),
            DwarfConstants.DW_EH_PE_sdata2 => (ulong)(long)(short)U16(),
            DwarfConstants.DW_EH_PE_sdata4 => (ulong)(long)(int)U32(),
            DwarfConstants.DW_EH_PE_sdata8 => U64(),
            _ => throw new DwarfFormatException($"unknown pointer encoding 0x{encoding:x2}"),
        };
        return (encoding & 0x70) switch
        {
            0 or DwarfConstants.DW_EH_PE_aligned => value,
            DwarfConstants.DW_EH_PE_pcrel => unchecked(value + fieldAddress),
            DwarfConstants.DW_EH_PE_datarel => unchecked(value + dataBase),
            // textrel and funcrel appear on no x86_64 toolchain's unwind tables.
            _ => throw new DwarfFormatException($"unsupported pointer application 0x{encoding:x2}"),
        };
    }

    /// <summary>The value part of an encoded pointer without its application (an FDE's address range).</summary>
    public ulong EncodedValue(byte encoding) => EncodedPointer((byte)(encoding & 0x0f));

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || Position > _data.Length - count)
            throw new DwarfFormatException("record ends early");
        var span = _data.Slice(Position, count);
        Position += count;
        return span;
    }
}
