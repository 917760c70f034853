using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Netlink;

/// <summary>
/// A NETLINK_GENERIC socket bound to a kernel-chosen port. The kernel handles a request synchronously
/// inside the send call, so once <see cref="Send"/> returns every reply is either queued on the socket
/// or was dropped (receive buffer full): <see cref="ReceiveQueued"/> never blocks. Not thread-safe.
/// </summary>
internal sealed unsafe class GenericNetlinkSocket : IDisposable
{
    private const int ENOBUFS = 105;
    private readonly SafeFileDescriptor _fd;

    private GenericNetlinkSocket(SafeFileDescriptor fd) => _fd = fd;

    /// <summary>Opens and binds the socket with a receive buffer of at least
    /// <paramref name="receiveBufferBytes"/>; returns 0 or the errno.</summary>
    public static int TryOpen(int receiveBufferBytes, out GenericNetlinkSocket? socket)
    {
        socket = null;
        var fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_GENERIC);
        if (fd.IsInvalid) return Libc.LastErrno;
        var address = new Libc.SockAddrNetlink { Family = Libc.AF_NETLINK };
        if (Libc.Bind(fd, &address, (uint)sizeof(Libc.SockAddrNetlink)) != 0)
        {
            int errno = Libc.LastErrno;
            fd.Dispose();
            return errno;
        }
        // A batch of replies must fit: FORCE passes rmem_max for root; otherwise the plain option, capped.
        int size = receiveBufferBytes;
        if (Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, &size, sizeof(int)) != 0)
            Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &size, sizeof(int));
        socket = new GenericNetlinkSocket(fd);
        return 0;
    }

    /// <summary>Sends one datagram holding one or more requests; returns 0 or the errno.</summary>
    public int Send(byte* requests, int length)
    {
        while (true)
        {
            nint n = Libc.Send(_fd, requests, (nuint)length, 0);
            if (n >= 0) return 0;
            int errno = Libc.LastErrno;
            if (errno != Errno.EINTR) return errno;
        }
    }

    /// <summary>Receives up to <paramref name="count"/> queued replies into <paramref name="messages"/> (whose
    /// buffers the caller set up) without waiting; returns how many, 0 when none is queued, or -errno.</summary>
    public int ReceiveQueued(Libc.MultiMessageHeader* messages, int count)
    {
        while (true)
        {
            int n = Libc.ReceiveMultiple(_fd, messages, (uint)count, Libc.MSG_DONTWAIT, null);
            if (n >= 0) return n;
            int errno = Libc.LastErrno;
            if (errno == Errno.EAGAIN) return 0;
            // ENOBUFS reports replies dropped earlier; what is still queued is valid: read on.
            if (errno is Errno.EINTR or ENOBUFS) continue;
            return -errno;
        }
    }

    /// <summary>Looks up a generic netlink family's ID by name (CTRL_CMD_GETFAMILY); returns 0 or the errno
    /// (ENOENT: the kernel has no such family, e.g. built without it or in another network namespace).</summary>
    public int ResolveFamily(string name, out ushort familyId)
    {
        familyId = 0;
        Span<byte> nameBytes = stackalloc byte[Encoding.ASCII.GetByteCount(name) + 1];
        Encoding.ASCII.GetBytes(name, nameBytes);
        nameBytes[^1] = 0;
        const int ReplySize = 4096;
        byte* buffer = stackalloc byte[ReplySize];
        int length = NetlinkMessage.WriteRequest(new Span<byte>(buffer, ReplySize), NetlinkMessage.GENL_ID_CTRL,
            NetlinkMessage.CTRL_CMD_GETFAMILY, 1, NetlinkMessage.CTRL_ATTR_FAMILY_NAME, nameBytes);
        int errno = Send(buffer, length);
        if (errno != 0) return errno;
        nint n;
        while ((n = Libc.Receive(_fd, buffer, ReplySize, Libc.MSG_DONTWAIT)) < 0 && Libc.LastErrno == Errno.EINTR) { }
        if (n < 0) return Libc.LastErrno;
        if (!NetlinkMessage.TryReadReply(new ReadOnlySpan<byte>(buffer, (int)n), out _, out _, out errno, out var attributes)) return Errno.EIO;
        if (errno != 0) return errno;
        if (!NetlinkMessage.TryFindAttribute(attributes, NetlinkMessage.CTRL_ATTR_FAMILY_ID, out var id) || id.Length < 2) return Errno.EIO;
        familyId = (ushort)(id[0] | id[1] << 8);
        return 0;
    }

    public void Dispose()
    {
        _fd.Dispose();
    }
}
