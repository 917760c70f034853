using System.Buffers.Binary;
using System.Text;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>
/// Reads member offsets of kernel structures from the kernel's own type information,
/// <c>/sys/kernel/btf/vmlinux</c> (CONFIG_DEBUG_INFO_BTF, Linux 5.4+; on by default in current
/// distributions). Only what the programs need: where <c>tgid</c> lies in <c>struct task_struct</c>,
/// which no user-space header says and which differs between kernel builds. Format:
/// Documentation/bpf/btf.rst.
/// </summary>
internal sealed class KernelBtf
{
    public const string VmlinuxPath = "/sys/kernel/btf/vmlinux";

    private const int KindTypedef = 8, KindFunc = 12;
    private const int KindInt = 1, KindArray = 3, KindStruct = 4, KindUnion = 5, KindEnum = 6, KindFuncProto = 13,
        KindVar = 14, KindDatasec = 15, KindDeclTag = 17, KindEnum64 = 19, LastKnownKind = 19;

    private readonly byte[] _data;
    private readonly int _strings;
    private readonly int _stringsLength;
    private readonly List<int> _typeOffsets = new() { -1 }; // type id 0 is void

    private KernelBtf(byte[] data, int types, int typesLength, int strings, int stringsLength)
    {
        _data = data;
        _strings = strings;
        _stringsLength = stringsLength;
        var position = types;
        var end = types + typesLength;
        while (position + 12 <= end)
        {
            _typeOffsets.Add(position);
            var info = U32(position + 4);
            var extra = ExtraBytes(Kind(info), (int)(info & 0xffff));
            if (extra < 0)
                throw new InvalidDataException($"unknown BTF kind {Kind(info)}");
            position += 12 + extra;
        }
    }

    /// <summary>The kernel's BTF, or null when this kernel has none or it cannot be read.</summary>
    public static KernelBtf? TryLoad(string path = VmlinuxPath)
    {
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    internal static KernelBtf Parse(byte[] data)
    {
        if (data.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(data) != 0xEB9F)
            throw new InvalidDataException("not BTF (or not little-endian)");
        var headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(4));
        var typeOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(8));
        var typeLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12));
        var stringOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(16));
        var stringLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(20));
        if ((long)headerLength + typeOffset + typeLength > data.Length || (long)headerLength + stringOffset + stringLength > data.Length)
            throw new InvalidDataException("BTF sections beyond the end of the data");
        return new KernelBtf(data, headerLength + typeOffset, typeLength, headerLength + stringOffset, stringLength);
    }

    /// <summary>Byte offset of <paramref name="member"/> in <c>struct <paramref name="structure"/></c>, looking
    /// into anonymous structs and unions (randomized layouts put fields there); null when absent.</summary>
    public int? MemberOffset(string structure, string member)
    {
        for (var id = 1; id < _typeOffsets.Count; id++)
        {
            var position = _typeOffsets[id];
            if (Kind(U32(position + 4)) == KindStruct && Name(U32(position)) == structure
                && FindMember(id, member, 0, depth: 0) is { } bits)
                return bits % 8 == 0 ? bits / 8 : null;
        }
        return null;
    }

    /// <summary>The type id of typedef <paramref name="name"/>, e.g. <c>btf_trace_sys_exit</c> (what a tp_btf
    /// program attaches to); null when absent.</summary>
    public int? TypedefId(string name)
    {
        for (var id = 1; id < _typeOffsets.Count; id++)
        {
            var position = _typeOffsets[id];
            if (Kind(U32(position + 4)) == KindTypedef && Name(U32(position)) == name)
                return id;
        }
        return null;
    }

    /// <summary>The type id of function <paramref name="name"/> (a FUNC), e.g. <c>do_unlinkat</c> for fentry or
    /// <c>bpf_iter_task</c> for an iterator; null when absent (not traceable, or inlined everywhere).</summary>
    public int? FunctionId(string name)
    {
        for (var id = 1; id < _typeOffsets.Count; id++)
        {
            var position = _typeOffsets[id];
            if (Kind(U32(position + 4)) == KindFunc && Name(U32(position)) == name)
                return id;
        }
        return null;
    }

    /// <summary>Bit offset of a member of struct/union <paramref name="id"/>, searched depth-first.</summary>
    private int? FindMember(int id, string member, int baseBits, int depth)
    {
        if (depth > 8)
            return null;
        var position = _typeOffsets[id];
        var info = U32(position + 4);
        var bitfieldEncoding = (info >> 31) != 0;
        var count = (int)(info & 0xffff);
        for (var i = 0; i < count; i++)
        {
            var m = position + 12 + i * 12;
            var nameOffset = U32(m);
            var type = (int)U32(m + 4);
            var offset = U32(m + 8);
            var bits = baseBits + (int)(bitfieldEncoding ? offset & 0xffffff : offset);
            if (nameOffset != 0)
            {
                if (Name(nameOffset) == member)
                    return bits;
                continue;
            }
            if (type > 0 && type < _typeOffsets.Count && Kind(U32(_typeOffsets[type] + 4)) is KindStruct or KindUnion
                && FindMember(type, member, bits, depth + 1) is { } found)
                return found;
        }
        return null;
    }

    private static int Kind(uint info) => (int)((info >> 24) & 0x1f);

    /// <summary>Bytes that follow the 12-byte common header of a type of this kind; -1 for unknown kinds.</summary>
    private static int ExtraBytes(int kind, int vlen) => kind switch
    {
        KindInt or KindVar or KindDeclTag => 4,
        KindArray => 12,
        KindStruct or KindUnion or KindDatasec or KindEnum64 => vlen * 12,
        KindEnum or KindFuncProto => vlen * 8,
        > LastKnownKind or < 0 => -1,
        _ => 0, // ptr, fwd, typedef, volatile, const, restrict, func, float, type_tag
    };

    private uint U32(int position) => BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(position));

    private string Name(uint offset)
    {
        if (offset >= _stringsLength)
            return "";
        var start = _strings + (int)offset;
        var end = Array.IndexOf(_data, (byte)0, start, _strings + _stringsLength - start);
        return Encoding.ASCII.GetString(_data, start, (end < 0 ? _strings + _stringsLength : end) - start);
    }
}
