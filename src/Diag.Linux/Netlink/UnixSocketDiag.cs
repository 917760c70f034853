using System.Buffers.Binary;
using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Netlink;

/// <summary>
/// Dumps every Unix domain socket of the caller's network namespace through NETLINK_SOCK_DIAG, as
/// <c>ss -x</c> does: the only place the kernel names a Unix socket's peer (UNIX_DIAG_PEER), its address,
/// queue lengths and the clients waiting in a listener's accept queue. One request, a few large replies.
/// </summary>
internal static unsafe class UnixSocketDiag
{
    private const ushort SOCK_DIAG_BY_FAMILY = 20, NLMSG_DONE = 3;
    private const ushort NLM_F_REQUEST = 1, NLM_F_DUMP = 0x300;
    private const byte AF_UNIX = 1;
    private const uint UDIAG_SHOW_NAME = 0x1, UDIAG_SHOW_PEER = 0x4, UDIAG_SHOW_ICONS = 0x8, UDIAG_SHOW_RQLEN = 0x10, UDIAG_SHOW_MEMINFO = 0x20;
    private const ushort UNIX_DIAG_NAME = 0, UNIX_DIAG_PEER = 2, UNIX_DIAG_ICONS = 3, UNIX_DIAG_RQLEN = 4, UNIX_DIAG_MEMINFO = 5, UNIX_DIAG_SHUTDOWN = 6;
    private const int SK_MEMINFO_SNDBUF = 3;
    private const int RequestSize = NetlinkMessage.HeaderSize + 24, MessageHeaderSize = 16, ReceiveSize = 64 * 1024;

    /// <summary>Reads every Unix socket into a table by inode; returns 0 or the errno (e.g. EPROTONOSUPPORT
    /// without CONFIG_UNIX_DIAG).</summary>
    public static int TryDump(out Dictionary<uint, UnixSocketInfo> sockets)
    {
        sockets = new Dictionary<uint, UnixSocketInfo>();
        using var fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_SOCK_DIAG);
        if (fd.IsInvalid) return Libc.LastErrno;
        {
            byte* request = stackalloc byte[RequestSize];
            WriteRequest(new Span<byte>(request, RequestSize));
            nint sent;
            while ((sent = Libc.Send(fd, request, RequestSize, 0)) < 0 && Libc.LastErrno == Errno.EINTR) { }
            if (sent < 0) return Libc.LastErrno;
            var buffer = new byte[ReceiveSize];
            fixed (byte* b = buffer)
            {
                while (true)
                {
                    // The kernel builds each part of a dump inside recv, so a blocking recv never waits long.
                    nint n = Libc.Receive(fd, b, ReceiveSize, 0);
                    if (n < 0)
                    {
                        if (Libc.LastErrno == Errno.EINTR) continue;
                        return Libc.LastErrno;
                    }
                    int status = ReadReplies(new ReadOnlySpan<byte>(b, (int)n), sockets);
                    if (status >= 0) return status; // done (0) or the kernel's error
                }
            }
        }
    }

    private static void WriteRequest(Span<byte> into)
    {
        into.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(into, RequestSize);                      // nlmsg_len
        BinaryPrimitives.WriteUInt16LittleEndian(into[4..], SOCK_DIAG_BY_FAMILY);          // nlmsg_type
        BinaryPrimitives.WriteUInt16LittleEndian(into[6..], NLM_F_REQUEST | NLM_F_DUMP);   // nlmsg_flags
        BinaryPrimitives.WriteUInt32LittleEndian(into[8..], 1);                            // nlmsg_seq
        var req = into[NetlinkMessage.HeaderSize..];                                       // struct unix_diag_req
        req[0] = AF_UNIX;                                                                  // sdiag_family
        BinaryPrimitives.WriteUInt32LittleEndian(req[4..], uint.MaxValue);                 // udiag_states: all
        BinaryPrimitives.WriteUInt32LittleEndian(req[12..],
            UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN | UDIAG_SHOW_MEMINFO); // udiag_show
    }

    /// <summary>Parses one datagram of replies; -1 when more follow, 0 at NLMSG_DONE, or a positive errno.</summary>
    private static int ReadReplies(ReadOnlySpan<byte> data, Dictionary<uint, UnixSocketInfo> into)
    {
        while (data.Length >= NetlinkMessage.HeaderSize)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
            if (length < NetlinkMessage.HeaderSize || length > data.Length) return Errno.EIO;
            var payload = data[NetlinkMessage.HeaderSize..length];
            if (type == NLMSG_DONE) return 0;
            if (type == NetlinkMessage.NLMSG_ERROR)
                return payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(payload) : Errno.EIO;
            if (type == SOCK_DIAG_BY_FAMILY && payload.Length >= MessageHeaderSize && Parse(payload) is { } info)
                into[info.Inode] = info;
            int next = NetlinkMessage.Align(length);
            if (next >= data.Length) break;
            data = data[next..];
        }
        return -1;
    }

    private static UnixSocketInfo? Parse(ReadOnlySpan<byte> message)
    {
        // struct unix_diag_msg { u8 family, type, state, pad; u32 ino; u32 cookie[2]; } then attributes.
        if (message[0] != AF_UNIX) return null;
        var attributes = message[MessageHeaderSize..];
        uint rqueue = 0, wqueue = 0;
        if (NetlinkMessage.TryFindAttribute(attributes, UNIX_DIAG_RQLEN, out var rq) && rq.Length >= 8)
        {
            rqueue = BinaryPrimitives.ReadUInt32LittleEndian(rq);
            wqueue = BinaryPrimitives.ReadUInt32LittleEndian(rq[4..]);
        }
        uint? sendBuffer = NetlinkMessage.TryFindAttribute(attributes, UNIX_DIAG_MEMINFO, out var mem) && mem.Length >= 4 * (SK_MEMINFO_SNDBUF + 1)
            ? BinaryPrimitives.ReadUInt32LittleEndian(mem[(4 * SK_MEMINFO_SNDBUF)..])
            : null;
        uint? peer = NetlinkMessage.TryFindAttribute(attributes, UNIX_DIAG_PEER, out var p) && p.Length >= 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(p)
            : null;
        var pending = Array.Empty<uint>();
        if (NetlinkMessage.TryFindAttribute(attributes, UNIX_DIAG_ICONS, out var icons) && icons.Length >= 4)
        {
            pending = new uint[icons.Length / 4];
            for (int i = 0; i < pending.Length; i++) pending[i] = BinaryPrimitives.ReadUInt32LittleEndian(icons[(4 * i)..]);
        }
        return new UnixSocketInfo
        {
            Type = message[1],
            State = message[2],
            Inode = BinaryPrimitives.ReadUInt32LittleEndian(message[4..]),
            Name = NetlinkMessage.TryFindAttribute(attributes, UNIX_DIAG_NAME, out var name) ? AddressText(name) : null,
            PeerInode = peer,
            PendingClients = pending,
            ReceiveQueue = rqueue,
            SendQueue = wqueue,
            SendBuffer = sendBuffer,
            Shutdown = NetlinkMessage.TryFindAttribute(attributes, UNIX_DIAG_SHUTDOWN, out var shutdown) && shutdown.Length >= 1 ? shutdown[0] : (byte)0,
        };
    }

    /// <summary>sun_path as ss shows it: a path up to its NUL, or "@name" for an abstract address (leading NUL).</summary>
    internal static string? AddressText(ReadOnlySpan<byte> path)
    {
        if (path.IsEmpty) return null;
        if (path[0] == 0) return "@" + Encoding.UTF8.GetString(path[1..]).Replace('\0', '@');
        int nul = path.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? path : path[..nul]);
    }
}
