using System.Buffers.Binary;
using Diag.Linux.Interop;

namespace Diag.Linux.Netlink;

/// <summary>Called for each reply message of a request: its type and everything after the <c>nlmsghdr</c> (the family's
/// fixed header, then attributes). The span is valid only during the call.</summary>
internal delegate void NetlinkReplyHandler(ushort type, ReadOnlySpan<byte> payload);

/// <summary>
/// A netlink socket of one protocol (NETLINK_ROUTE, NETLINK_NETFILTER…) for request/reply exchanges: a request and
/// the replies of its sequence number, ended by NLMSG_DONE for a dump or by the acknowledgement (NLMSG_ERROR 0) every
/// other request asks for. A socket answers for the network namespace it was created in, whichever thread uses it
/// later. Not thread-safe. A dump stopped half-way (cancellation, a timeout) leaves replies queued: the socket is
/// then refused for further requests and must be disposed.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    private const ushort NLMSG_NOOP = 1, NLMSG_DONE = 3, NLMSG_OVERRUN = 4;

    // Dumps come in datagrams of at most 32 KiB (the kernel caps them at the largest read it has seen, up to 32 KiB);
    // single replies are smaller. Twice that leaves room, and MSG_TRUNC still catches a larger one.
    private const int ReceiveSize = 64 * 1024;

    // The kernel answers inside send or builds each part of a dump inside recv, so a reply is never far off: a recv
    // that waits this long means no reply will come (a family that drops requests it does not understand).
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);

    private readonly SafeFileDescriptor _fd;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(ReceiveSize, pinned: true);
    private uint _sequence;
    private bool _unusable;

    private NetlinkSocket(SafeFileDescriptor fd) => _fd = fd;

    /// <summary>Opens a socket of <paramref name="protocol"/> in the calling thread's network namespace; returns 0 or
    /// the errno (EPROTONOSUPPORT: a kernel without that family).</summary>
    public static int TryOpen(int protocol, out NetlinkSocket? socket)
    {
        socket = null;
        var fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        if (fd.IsInvalid) return Libc.LastErrno;
        var address = new Libc.SockAddrNetlink { Family = Libc.AF_NETLINK };
        var timeout = new Libc.TimeVal { Seconds = (long)ReplyTimeout.TotalSeconds };
        if (Libc.Bind(fd, &address, (uint)sizeof(Libc.SockAddrNetlink)) != 0
            || Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, &timeout, (uint)sizeof(Libc.TimeVal)) != 0)
        {
            int errno = Libc.LastErrno;
            fd.Dispose();
            return errno;
        }
        socket = new NetlinkSocket(fd);
        return 0;
    }

    /// <summary>
    /// Sends <paramref name="request"/> and hands each reply message to <paramref name="onReply"/>. Returns 0, the
    /// kernel's errno for the request (EPERM, ENOENT, EOPNOTSUPP…), ETIMEDOUT when no reply came, or ECANCELED when
    /// <paramref name="cancel"/> fired between two datagrams of a dump.
    /// </summary>
    public int Exchange(NetlinkRequest request, NetlinkReplyHandler onReply, CancellationToken cancel = default)
    {
        if (_unusable) return Errno.EBADF;
        uint sequence = ++_sequence;
        var bytes = request.Finish(sequence);
        fixed (byte* send = bytes)
        {
            while (Libc.Send(_fd, send, (nuint)bytes.Length, 0) < 0)
                if (Libc.LastErrno != Errno.EINTR) return Libc.LastErrno;
        }

        fixed (byte* buffer = _buffer)
        {
            while (true)
            {
                if (cancel.IsCancellationRequested) return Abandon(Errno.ECANCELED);
                nint n = Libc.Receive(_fd, buffer, ReceiveSize, Libc.MSG_TRUNC);
                if (n < 0)
                {
                    int errno = Libc.LastErrno;
                    if (errno == Errno.EINTR) continue;
                    return Abandon(errno == Errno.EAGAIN ? Errno.ETIMEDOUT : errno);
                }
                if (n > ReceiveSize) return Abandon(Errno.EMSGSIZE);
                int status = Dispatch(new ReadOnlySpan<byte>(buffer, (int)n), sequence, onReply);
                if (status >= 0) return status;
            }
        }
    }

    /// <summary>Hands one datagram's messages of <paramref name="sequence"/> to the handler; -1 when more follow,
    /// otherwise the request's outcome (0 or an errno).</summary>
    private static int Dispatch(ReadOnlySpan<byte> datagram, uint sequence, NetlinkReplyHandler onReply)
    {
        while (datagram.Length >= NetlinkMessage.HeaderSize)
        {
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(datagram);
            if (length < NetlinkMessage.HeaderSize || length > datagram.Length) return Errno.EIO;
            ushort type = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
            uint replySequence = BinaryPrimitives.ReadUInt32LittleEndian(datagram[8..]);
            var payload = datagram[NetlinkMessage.HeaderSize..length];
            if (replySequence == sequence)
            {
                switch (type)
                {
                    case NetlinkMessage.NLMSG_ERROR:
                        // struct nlmsgerr: a negative errno, 0 for the acknowledgement.
                        return payload.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(payload) : Errno.EIO;
                    case NLMSG_DONE:
                        return payload.Length >= 4 ? Math.Max(0, -BinaryPrimitives.ReadInt32LittleEndian(payload)) : 0;
                    case NLMSG_NOOP:
                    case NLMSG_OVERRUN:
                        break;
                    default:
                        onReply(type, payload);
                        break;
                }
            }
            int next = NetlinkMessage.Align(length);
            if (next >= datagram.Length) break;
            datagram = datagram[next..];
        }
        return -1;
    }

    private int Abandon(int errno)
    {
        _unusable = true;
        return errno;
    }

    public void Dispose() => _fd.Dispose();
}
