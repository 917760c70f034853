using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Waiting: eventfds (a tracer thread is woken through one), poll(2) on several descriptors with a timeout, and
// epoll(7), with which the eBPF ring buffer reader waits for records and for its cancellation (an eventfd).
internal static unsafe partial class Libc
{
    public const int EFD_CLOEXEC = 0x80000;

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    /// <summary>eventfd(2) owned by the caller; invalid (and errno set) on failure.</summary>
    public static SafeFileDescriptor EventFdHandle(uint initialValue, int flags) => new(EventFd(initialValue, flags));

    public const short POLLIN = 0x1, POLLERR = 0x8, POLLHUP = 0x10;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Returned;
    }

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    public const int EPOLL_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;
    public const int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x001;

    /// <summary><c>struct epoll_event</c>: packed on x86_64 (12 bytes: the u64 data follows the u32 events directly).</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport(Lib, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport(Lib, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(SafeFileDescriptor epoll, int operation, SafeFileDescriptor fd, EpollEvent* @event);

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> (-1: no limit); returns the number of ready
    /// descriptors, 0 on timeout, -1 with errno (EINTR when a signal interrupted the wait).</summary>
    [LibraryImport(Lib, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(SafeFileDescriptor epoll, EpollEvent* events, int maxEvents, int timeoutMilliseconds);
}
