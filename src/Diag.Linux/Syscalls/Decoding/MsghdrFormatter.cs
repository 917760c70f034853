using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// struct msghdr as strace prints it for sendmsg and recvmsg: the peer address, the data vectors,
/// and the control messages, with the descriptors an SCM_RIGHTS message passes
/// (<c>cmsg_data=[5]</c>) and the sender an SCM_CREDENTIALS message names. For recvmsg the name
/// length the program offered and the one the kernel returned both show (<c>msg_namelen=128 => 16</c>).
/// </summary>
internal static class MsghdrFormatter
{
    private const int MsghdrSize = 56, CmsgHeaderSize = 16, MaxControl = 4096;
    private const int SOL_SOCKET = 1, SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;

    public static bool TryReadNameLength(ITraceeMemory memory, ulong address, out int nameLength) =>
        TraceeMemoryReads.TryReadInt32(memory, address + 8, out nameLength);

    /// <summary><paramref name="dataSize"/>: bytes of data in the vectors (null: all of each);
    /// <paramref name="offeredNameLength"/>: msg_namelen at entry, for recvmsg.</summary>
    public static string Read(ITraceeMemory memory, ulong address, long? dataSize, int? offeredNameLength)
    {
        Span<byte> msg = stackalloc byte[MsghdrSize];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, msg))
            return NumberText.Pointer(address);
        var name = BinaryPrimitives.ReadUInt64LittleEndian(msg);
        var nameLength = BinaryPrimitives.ReadInt32LittleEndian(msg[8..]);
        var iov = BinaryPrimitives.ReadUInt64LittleEndian(msg[16..]);
        var iovLength = BinaryPrimitives.ReadUInt64LittleEndian(msg[24..]);
        var control = BinaryPrimitives.ReadUInt64LittleEndian(msg[32..]);
        var controlLength = BinaryPrimitives.ReadUInt64LittleEndian(msg[40..]);
        var flags = BinaryPrimitives.ReadInt32LittleEndian(msg[48..]);

        var shownNameLength = offeredNameLength is { } offered && nameLength > offered ? offered : nameLength;
        var text = new StringBuilder("{msg_name=").Append(SockaddrFormatter.Read(memory, name, shownNameLength))
            .Append(", msg_namelen=");
        if (offeredNameLength is { } before && before != nameLength)
            text.Append(before.ToString(CultureInfo.InvariantCulture)).Append(" => ");
        text.Append(nameLength.ToString(CultureInfo.InvariantCulture))
            .Append(", msg_iov=").Append(IovecFormatter.Read(memory, iov, iovLength, dataSize))
            .Append(", msg_iovlen=").Append(iovLength.ToString(CultureInfo.InvariantCulture));
        if (controlLength > 0)
            text.Append(", msg_control=").Append(ReadControl(memory, control, controlLength));
        return text.Append(", msg_controllen=").Append(controlLength.ToString(CultureInfo.InvariantCulture))
            .Append(", msg_flags=").Append(SocketFlagSets.MessageFlags.Format((uint)flags)).Append('}').ToString();
    }

    private const int MmsghdrSize = MsghdrSize + 8, MaxMessages = 32;

    /// <summary>A struct mmsghdr[] (sendmmsg, recvmmsg): <c>[{msg_hdr={...}, msg_len=27}, ...]</c>.
    /// <paramref name="count"/> entries are shown, the first <paramref name="withLength"/> with the
    /// msg_len the kernel stored; with <paramref name="dataByLength"/> each message's data is bounded by
    /// its msg_len (what recvmmsg received); <paramref name="offeredNameLengths"/> are recvmmsg's entry values.</summary>
    public static string ReadVector(ITraceeMemory memory, ulong address, int count, int withLength, bool dataByLength, int[]? offeredNameLengths)
    {
        if (address == 0)
            return "NULL";
        if (count <= 0)
            return "[]";
        var shown = Math.Min(count, MaxMessages);
        var text = new StringBuilder("[");
        for (var i = 0; i < shown; i++)
        {
            var entry = address + (ulong)(i * MmsghdrSize);
            if (!TraceeMemoryReads.TryReadInt32(memory, entry + MsghdrSize, out var length))
                return i == 0 ? NumberText.Hex(address) : text.Append(", ...]").ToString();
            if (i > 0)
                text.Append(", ");
            var offered = offeredNameLengths is { } lengths && i < lengths.Length ? lengths[i] : (int?)null;
            text.Append("{msg_hdr=").Append(Read(memory, entry, dataByLength ? (uint)length : null, offered));
            if (i < withLength)
                text.Append(", msg_len=").Append(((uint)length).ToString(CultureInfo.InvariantCulture));
            text.Append('}');
        }
        if (count > shown)
            text.Append(", ...");
        return text.Append(']').ToString();
    }

    /// <summary>The msg_namelen of each entry of a struct mmsghdr[] at entry (recvmmsg rewrites them).</summary>
    public static int[] ReadNameLengths(ITraceeMemory memory, ulong address, int count)
    {
        var lengths = new int[Math.Clamp(count, 0, MaxMessages)];
        for (var i = 0; i < lengths.Length; i++)
            if (!TryReadNameLength(memory, address + (ulong)(i * MmsghdrSize), out lengths[i]))
                return lengths[..i];
        return lengths;
    }

    private static string ReadControl(ITraceeMemory memory, ulong address, ulong length)
    {
        var buffer = new byte[(int)Math.Min(length, MaxControl)];
        if (buffer.Length < CmsgHeaderSize || !TraceeMemoryReads.TryRead(memory, address, buffer))
            return NumberText.Pointer(address);
        var text = new StringBuilder("[");
        var offset = 0;
        while (buffer.Length - offset >= CmsgHeaderSize)
        {
            var header = buffer.AsSpan(offset);
            var cmsgLength = BinaryPrimitives.ReadUInt64LittleEndian(header);
            var level = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            var type = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
            var available = (int)Math.Min(cmsgLength, (ulong)(buffer.Length - offset));
            var data = available > CmsgHeaderSize ? header[CmsgHeaderSize..available] : ReadOnlySpan<byte>.Empty;
            if (offset > 0)
                text.Append(", ");
            text.Append("{cmsg_len=").Append(cmsgLength.ToString(CultureInfo.InvariantCulture))
                .Append(", cmsg_level=").Append(SocketFlagSets.SocketLevels.Format(level))
                .Append(", cmsg_type=").Append(ControlData(level, type, data)).Append('}');
            if (cmsgLength < CmsgHeaderSize)
                break;
            var next = (int)((cmsgLength + 7) & ~7UL);
            if (next <= 0 || offset + next >= buffer.Length)
                break;
            offset += next;
        }
        return text.Append(']').ToString();
    }

    private static string ControlData(int level, int type, ReadOnlySpan<byte> data)
    {
        if (level == SOL_SOCKET && type == SCM_RIGHTS)
        {
            var fds = new StringBuilder("SCM_RIGHTS, cmsg_data=[");
            for (var i = 0; i + 4 <= data.Length; i += 4)
            {
                if (i > 0)
                    fds.Append(", ");
                fds.Append(BinaryPrimitives.ReadInt32LittleEndian(data[i..]).ToString(CultureInfo.InvariantCulture));
            }
            return fds.Append(']').ToString();
        }
        if (level == SOL_SOCKET && type == SCM_CREDENTIALS && data.Length >= 12)
            return FormattableString.Invariant(
                $"SCM_CREDENTIALS, cmsg_data={{pid={BinaryPrimitives.ReadInt32LittleEndian(data)}, uid={BinaryPrimitives.ReadUInt32LittleEndian(data[4..])}, gid={BinaryPrimitives.ReadUInt32LittleEndian(data[8..])}}}");
        var typeName = level == SOL_SOCKET ? SocketFlagSets.SocketOptions.Format(type) : NumberText.Hex((uint)type);
        return typeName + ", cmsg_data=" + StringEscaper.Quote(data, truncated: false);
    }
}
