using System.Buffers.Binary;

namespace Diag.Linux.ProcessEvents.Connector;

/// <summary>One event of the kernel's process connector (include/uapi/linux/cn_proc.h, struct proc_event), as it
/// follows the netlink header (16 bytes) and the connector header (struct cn_msg, 20 bytes).</summary>
internal readonly record struct ConnectorMessage(uint What, ulong TimestampNanoseconds, uint A, uint B, uint C, uint D, uint E, uint F, bool HasParent, string? Comm = null)
{
    // enum what.
    public const uint None = 0, Fork = 1, Exec = 2, UserChange = 4, GroupChange = 0x40, CommChange = 0x200, Exit = 0x80000000;

    private const int NetlinkHeader = 16, ConnectorHeader = 20, EventStart = NetlinkHeader + ConnectorHeader, DataStart = EventStart + 16;

    /// <summary>fork: parent_pid, parent_tgid, child_pid, child_tgid. exec: process_pid, process_tgid. exit:
    /// process_pid, process_tgid, exit_code (a wait status), exit_signal, parent_pid, parent_tgid (the last two since
    /// Linux 4.19: <see cref="HasParent"/>). uid and gid changes: process_pid, process_tgid, real, effective. comm: process_pid, process_tgid, comm[16] (in <see cref="Comm"/>; an exec
    /// sends one before its exec event). ack (None): err.</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out ConnectorMessage message)
    {
        message = default;
        if (datagram.Length < DataStart)
            return false;
        var data = datagram[DataStart..];
        message = new ConnectorMessage(
            BinaryPrimitives.ReadUInt32LittleEndian(datagram[EventStart..]),
            BinaryPrimitives.ReadUInt64LittleEndian(datagram[(EventStart + 8)..]),
            At(data, 0), At(data, 1), At(data, 2), At(data, 3), At(data, 4), At(data, 5), data.Length >= 24);
        if (message.What == CommChange && data.Length >= 24)
        {
            var comm = data.Slice(8, 16);
            var end = comm.IndexOf((byte)0);
            message = message with { Comm = System.Text.Encoding.UTF8.GetString(end < 0 ? comm : comm[..end]) };
        }
        return true;
    }

    private static uint At(ReadOnlySpan<byte> data, int index) =>
        data.Length >= (index + 1) * 4 ? BinaryPrimitives.ReadUInt32LittleEndian(data[(index * 4)..]) : 0;

    /// <summary>The subscription request: nlmsghdr, cn_msg {idx CN_IDX_PROC, val CN_VAL_PROC, len 4}, then the op.</summary>
    public static byte[] Subscription(bool listen)
    {
        var message = new byte[EventStart + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);      // nlmsg_len
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), 3);               // NLMSG_DONE
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(NetlinkHeader), 1);    // CN_IDX_PROC
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(NetlinkHeader + 4), 1); // CN_VAL_PROC
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(NetlinkHeader + 16), 4); // len
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(EventStart), listen ? 1u : 2u); // PROC_CN_MCAST_LISTEN / IGNORE
        return message;
    }
}
