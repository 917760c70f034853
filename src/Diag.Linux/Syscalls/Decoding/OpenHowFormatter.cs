using System.Buffers.Binary;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>openat2's struct open_how { u64 flags; u64 mode; u64 resolve; }.</summary>
internal static class OpenHowFormatter
{
    public static string Read(ITraceeMemory memory, ulong address)
    {
        if (address == 0)
            return "NULL";
        Span<byte> bytes = stackalloc byte[24];
        if (!TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Hex(address);
        var flags = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var mode = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        var resolve = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        return $"{{flags={OpenFlagsFormatter.Format(flags)}, mode={NumberText.Octal(mode)}, resolve={NumberText.Hex(resolve)}}}";
    }
}
