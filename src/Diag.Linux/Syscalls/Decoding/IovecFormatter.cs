using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// struct iovec arrays as strace prints them: <c>[{iov_base="first", iov_len=5}, ...]</c>. The data
/// shown is bounded by what the call moved (a writev's lengths, a readv's return value); each buffer is
/// cut like any string (<c>-s 32</c>). Without data (a failed readv) the buffers show as addresses.
/// </summary>
internal static class IovecFormatter
{
    private const int MaxElements = 32;
    private const int IovecSize = 16;

    /// <summary><paramref name="dataSize"/>: how many bytes of data the array holds in all (null: each
    /// buffer's own length; negative: show addresses only).</summary>
    public static string Read(ITraceeMemory memory, ulong address, ulong count, long? dataSize)
    {
        if (address == 0)
            return "NULL";
        if (count == 0)
            return "[]";
        var shown = (int)Math.Min(count, MaxElements);
        var vectors = new byte[shown * IovecSize];
        if (!TraceeMemoryReads.TryRead(memory, address, vectors))
            return NumberText.Hex(address);
        var text = new StringBuilder("[");
        var left = dataSize;
        for (var i = 0; i < shown; i++)
        {
            var entry = vectors.AsSpan(i * IovecSize);
            var bufferAddress = BinaryPrimitives.ReadUInt64LittleEndian(entry);
            var length = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
            if (i > 0)
                text.Append(", ");
            text.Append("{iov_base=");
            if (left is < 0)
            {
                text.Append(NumberText.Pointer(bufferAddress));
            }
            else
            {
                var bytes = left is { } remaining ? Math.Min(length, (ulong)remaining) : length;
                text.Append(StringArgumentReader.ReadBuffer(memory, bufferAddress, bytes));
                if (left is not null)
                    left -= (long)bytes;
            }
            text.Append(", iov_len=").Append(length.ToString(CultureInfo.InvariantCulture)).Append('}');
        }
        if (count > (ulong)shown)
            text.Append(", ...");
        return text.Append(']').ToString();
    }
}
