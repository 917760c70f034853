using System.Buffers.Binary;

namespace Diag.Linux.Dwarf;

/// <summary>
/// The call frame information of one object file: finds the FDE covering an address. Uses the binary
/// search table of .eh_frame_hdr when there is one (what the C++ runtime itself uses), else an index
/// built by scanning .eh_frame or .debug_frame once. Records are read from the file on demand; CIEs are
/// parsed once. Thread-safe.
/// </summary>
internal sealed class CallFrameTable
{
    private const int MaxRecordSize = 1 << 20;

    private readonly ISectionData _frames;
    private readonly bool _isEhFrame;
    // Sorted by start: the FDE's link-time start address and its offset in _frames.
    private readonly ulong[] _starts;
    private readonly long[] _offsets;
    private readonly Dictionary<long, CommonInformationEntry> _cies = new();

    private CallFrameTable(ISectionData frames, bool isEhFrame, ulong[] starts, long[] offsets)
    {
        _frames = frames;
        _isEhFrame = isEhFrame;
        _starts = starts;
        _offsets = offsets;
    }

    public int Count => _starts.Length;

    /// <summary>From .eh_frame, indexed by .eh_frame_hdr when it has a usable table.</summary>
    public static CallFrameTable FromEhFrame(ISectionData ehFrame, ISectionData? header)
    {
        if (header is not null && TryReadHeaderTable(ehFrame, header, out var starts, out var offsets))
            return new CallFrameTable(ehFrame, true, starts, offsets);
        return Scan(ehFrame, isEhFrame: true);
    }

    /// <summary>From .debug_frame (binaries built without .eh_frame), indexed by a scan.</summary>
    public static CallFrameTable FromDebugFrame(ISectionData debugFrame) => Scan(debugFrame, isEhFrame: false);

    /// <summary>The FDE whose range holds <paramref name="address"/> (a link-time address), or null.</summary>
    public FrameDescription? Find(ulong address)
    {
        var index = Array.BinarySearch(_starts, address);
        if (index < 0) index = ~index - 1;
        // Ranges do not overlap in well-formed tables; a zero-length FDE may precede the real one.
        for (var i = index; i >= 0 && i > index - 2; i--)
        {
            var fde = ReadFde(_offsets[i]);
            if (fde is not null && fde.Contains(address)) return fde;
        }
        return null;
    }

    private static bool TryReadHeaderTable(ISectionData ehFrame, ISectionData header, out ulong[] starts, out long[] offsets)
    {
        starts = [];
        offsets = [];
        if (header.Size < 12 || header.Size > int.MaxValue) return false;
        var bytes = new byte[header.Size];
        if (header.Read(0, bytes) != bytes.Length) return false;
        var reader = new DwarfReader(bytes, header.Address);
        if (reader.U8() != 1) return false; // version
        var framePointerEncoding = reader.U8();
        var countEncoding = reader.U8();
        var tableEncoding = reader.U8();
        reader.EncodedPointer(framePointerEncoding, header.Address);
        if (countEncoding == DwarfConstants.DW_EH_PE_omit || tableEncoding != (DwarfConstants.DW_EH_PE_datarel | DwarfConstants.DW_EH_PE_sdata4))
            return false; // the only table layout linkers write; anything else: scan instead
        var count = reader.EncodedPointer(countEncoding, header.Address);
        if (count == 0 || count > (ulong)(bytes.Length - reader.Position) / 8) return false;
        starts = new ulong[count];
        offsets = new long[count];
        for (var i = 0; i < (int)count; i++)
        {
            starts[i] = header.Address + (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(reader.Position + i * 8));
            var fde = header.Address + (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(reader.Position + i * 8 + 4));
            offsets[i] = (long)(fde - ehFrame.Address);
        }
        return true;
    }

    private static CallFrameTable Scan(ISectionData frames, bool isEhFrame)
    {
        var starts = new List<ulong>();
        var offsets = new List<long>();
        var table = new CallFrameTable(frames, isEhFrame, [], []);
        Span<byte> head = stackalloc byte[12];
        long offset = 0;
        while (offset + 4 <= frames.Size)
        {
            if (frames.Read(offset, head) < 4) break;
            var length = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(head);
            if (length == 0)
            {
                if (isEhFrame) break; // the terminator
                offset += 4;
                continue;
            }
            var headerSize = 4;
            if (length == 0xffffffff)
            {
                length = BinaryPrimitives.ReadUInt64LittleEndian(head[4..]);
                headerSize = 12;
            }
            var next = offset + headerSize + (long)length;
            if (length > MaxRecordSize || next > frames.Size || next <= offset) break;
            try
            {
                if (table.ReadFde(offset) is { } fde && fde.End > fde.Start)
                {
                    starts.Add(fde.Start);
                    offsets.Add(offset);
                }
            }
            catch (DwarfFormatException)
            {
                // one bad record: skip it
            }
            offset = next;
        }
        var startArray = starts.ToArray();
        var offsetArray = offsets.ToArray();
        Array.Sort(startArray, offsetArray);
        return new CallFrameTable(frames, isEhFrame, startArray, offsetArray);
    }

    /// <summary>The FDE at a section offset; null when the record there is a CIE or empty.</summary>
    private FrameDescription? ReadFde(long offset)
    {
        var record = ReadRecord(offset, out var idSize);
        var reader = new DwarfReader(record, _frames.Address + (ulong)offset);
        reader.Position = idSize == 8 ? 12 : 4;
        var idPosition = reader.Position;
        var id = idSize == 8 ? reader.U64() : reader.U32();
        long cieOffset;
        if (_isEhFrame)
        {
            if (id == 0) return null; // a CIE
            cieOffset = offset + idPosition - (long)id;
        }
        else
        {
            if (id == (idSize == 8 ? ulong.MaxValue : 0xffffffff)) return null;
            cieOffset = (long)id;
        }
        var cie = ReadCie(cieOffset);
        var start = reader.EncodedPointer(cie.FdeEncoding);
        var range = reader.EncodedValue(cie.FdeEncoding);
        if (cie.HasAugmentationData)
            reader.Skip((int)reader.ULeb128());
        return new FrameDescription
        {
            Cie = cie,
            Start = start,
            End = unchecked(start + range),
            Instructions = record[reader.Position..],
            InstructionsAddress = reader.Address + (ulong)reader.Position,
        };
    }

    private CommonInformationEntry ReadCie(long offset)
    {
        lock (_cies)
        {
            if (_cies.TryGetValue(offset, out var cached)) return cached;
        }
        var record = ReadRecord(offset, out var idSize);
        var reader = new DwarfReader(record, _frames.Address + (ulong)offset);
        reader.Position = (idSize == 8 ? 12 : 4) + idSize;
        var version = reader.U8();
        if (version is not (1 or 3 or 4)) throw new DwarfFormatException($"CIE version {version}");
        var augmentation = reader.CString();
        if (version == 4)
        {
            if (reader.U8() != 8) throw new DwarfFormatException("CIE address size is not 8");
            reader.U8(); // segment selector size
        }
        var codeAlignment = reader.ULeb128();
        var dataAlignment = reader.SLeb128();
        var returnRegister = version == 1 ? reader.U8() : (int)reader.ULeb128();
        byte fdeEncoding = DwarfConstants.DW_EH_PE_absptr;
        var signal = false;
        var hasData = augmentation.StartsWith('z');
        if (hasData)
        {
            var dataLength = (int)reader.ULeb128();
            var end = reader.Position + dataLength;
            foreach (var c in augmentation.AsSpan(1))
            {
                switch (c)
                {
                    case 'R': fdeEncoding = reader.U8(); break;
                    case 'L': reader.U8(); break;
                    case 'P': reader.EncodedPointer((byte)(reader.U8() & 0x7f)); break;
                    case 'S': signal = true; break;
                    default: break; // 'B', 'G' and the like carry no data
                }
            }
            reader.Position = end;
        }
        else if (augmentation.Length > 0 && augmentation != "eh")
        {
            throw new DwarfFormatException($"unknown CIE augmentation \"{augmentation}\"");
        }
        var cie = new CommonInformationEntry
        {
            CodeAlignment = codeAlignment,
            DataAlignment = dataAlignment,
            ReturnAddressRegister = returnRegister,
            FdeEncoding = fdeEncoding,
            HasAugmentationData = hasData,
            IsSignalFrame = signal,
            Instructions = record[reader.Position..],
        };
        lock (_cies) _cies[offset] = cie;
        return cie;
    }

    /// <summary>The whole record (length field included) at a section offset.</summary>
    private byte[] ReadRecord(long offset, out int idSize)
    {
        Span<byte> head = stackalloc byte[12];
        if (offset < 0 || _frames.Read(offset, head) < 4) throw new DwarfFormatException("record outside the section");
        var length = (ulong)BinaryPrimitives.ReadUInt32LittleEndian(head);
        var headerSize = 4;
        idSize = 4;
        if (length == 0xffffffff)
        {
            length = BinaryPrimitives.ReadUInt64LittleEndian(head[4..]);
            headerSize = 12;
            idSize = 8;
        }
        if (length < 4 || length > MaxRecordSize) throw new DwarfFormatException("bad record length");
        var record = new byte[headerSize + (int)length];
        if (_frames.Read(offset, record) != record.Length) throw new DwarfFormatException("record outside the section");
        return record;
    }
}
