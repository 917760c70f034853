using System.Buffers.Binary;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>struct timespec (x86_64: two 64-bit fields) as strace prints it: {tv_sec=1, tv_nsec=0}.</summary>
internal static class TimespecFormatter
{
    public static string Read(ITraceeMemory memory, ulong address)
    {
        if (address == 0)
            return "NULL";
        Span<byte> bytes = stackalloc byte[16];
        if (!TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Hex(address);
        var seconds = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var nanoseconds = BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
        return FormattableString.Invariant($"{{tv_sec={seconds}, tv_nsec={nanoseconds}}}");
    }
}
