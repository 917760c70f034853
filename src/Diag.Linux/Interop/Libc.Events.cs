using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Waiting: eventfds (a tracer thread is woken through one), poll(2) on several descriptors with a timeout.
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
}
