using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Netlink sockets: generic netlink (taskstats), sock_diag queries with batched sends and recvmmsg, the process
// connector's event stream, and rtnetlink (neighbours, links, routes) and nfnetlink (conntrack) requests.
internal static unsafe partial class Libc
{
    public const int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000, SOCK_NONBLOCK = 0x800,
        NETLINK_ROUTE = 0, NETLINK_SOCK_DIAG = 4, NETLINK_CONNECTOR = 11, NETLINK_NETFILTER = 12, NETLINK_GENERIC = 16;
    public const int SOL_SOCKET = 1, SO_RCVBUF = 8, SO_RCVTIMEO = 20, SO_RCVBUFFORCE = 33;
    public const int SOL_NETLINK = 270, NETLINK_EXT_ACK = 11, NETLINK_GET_STRICT_CHK = 12;
    public const int MSG_DONTWAIT = 0x40, MSG_TRUNC = 0x20;

    /// <summary><c>struct timeval</c> (SO_RCVTIMEO), LP64.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    /// <summary><c>struct sockaddr_nl</c>: pid 0 asks the kernel to pick the port.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrNetlink
    {
        public ushort Family;
        public ushort Pad;
        public uint PortId;
        public uint Groups;
    }

    /// <summary><c>struct mmsghdr</c> (its iovec is <see cref="IoVec"/>, declared with process_vm_readv) (a <c>struct msghdr</c> and the received length), x86_64/aarch64 LP64 layout.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MultiMessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
        private int _pad; // struct msghdr ends 8-aligned, at 56
        public uint Length;
    }

    [LibraryImport(Lib, EntryPoint = "socket", SetLastError = true)]
    private static partial int SocketRaw(int domain, int type, int protocol);

    /// <summary>socket(2) owned by the caller; invalid (and errno set) on failure.</summary>
    public static SafeFileDescriptor Socket(int domain, int type, int protocol) => new(SocketRaw(domain, type, protocol));

    [LibraryImport(Lib, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(SafeFileDescriptor fd, SockAddrNetlink* address, uint length);

    [LibraryImport(Lib, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(SafeFileDescriptor fd, int level, int name, int* value, uint length);

    [LibraryImport(Lib, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(SafeFileDescriptor fd, int level, int name, TimeVal* value, uint length);

    [LibraryImport(Lib, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(SafeFileDescriptor fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Lib, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Receive(SafeFileDescriptor fd, byte* buffer, nuint length, int flags);

    /// <summary>Receives up to <paramref name="count"/> datagrams (one netlink reply each) in one call.</summary>
    [LibraryImport(Lib, EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int ReceiveMultiple(SafeFileDescriptor fd, MultiMessageHeader* messages, uint count, int flags, TimeSpec* timeout);
}
