using System.Buffers.Binary;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Fixed-size reads from tracee memory that either fully succeed or report failure.</summary>
internal static class TraceeMemoryReads
{
    private const int PageSize = 4096;

    /// <summary>Reads as much of <paramref name="destination"/> as is readable, page by page so a read
    /// ending in an unmapped page still returns the bytes before it.</summary>
    public static int ReadAvailable(ITraceeMemory memory, ulong address, Span<byte> destination)
    {
        var done = 0;
        while (done < destination.Length)
        {
            var at = address + (ulong)done;
            var toPageEnd = PageSize - (int)(at % PageSize);
            var chunk = destination.Slice(done, Math.Min(toPageEnd, destination.Length - done));
            var got = memory.Read(at, chunk);
            if (got <= 0)
                break;
            done += got;
            if (got < chunk.Length)
                break;
        }
        return done;
    }

    public static bool TryRead(ITraceeMemory memory, ulong address, Span<byte> destination) =>
        address != 0 && ReadAvailable(memory, address, destination) == destination.Length;

    public static bool TryReadInt32(ITraceeMemory memory, ulong address, out int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (TryRead(memory, address, bytes))
        {
            value = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            return true;
        }
        value = 0;
        return false;
    }

    public static bool TryReadUInt64(ITraceeMemory memory, ulong address, out ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (TryRead(memory, address, bytes))
        {
            value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            return true;
        }
        value = 0;
        return false;
    }
}
