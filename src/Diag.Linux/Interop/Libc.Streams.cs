using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Files and pipes for the standard streams of a launched command (LaunchedStreams), and poll(2) for
// reading captured output without blocking past the end of a trace.
internal static unsafe partial class Libc
{
    public const int O_WRONLY = 1, O_CREAT = 0x40, O_TRUNC = 0x200, O_NONBLOCK = 0x800;

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenWithMode(string path, int flags, uint mode);

    [LibraryImport(Lib, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

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
