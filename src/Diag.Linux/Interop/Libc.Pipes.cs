using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Calls for Get-PipePeer: the mode and inode behind /proc/PID/fd links (statx), a pipe's fill and size
// through a duplicate of the target's own descriptor (pidfd_getfd, FIONREAD, F_GETPIPE_SZ), and setns to
// ask sock_diag about another network namespace's Unix sockets.
internal static unsafe partial class Libc
{
    public const int NETLINK_SOCK_DIAG = 4;

    public const int AT_SYMLINK_NOFOLLOW = 0x100, AT_STATX_DONT_SYNC = 0x4000;
    public const uint STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_INO = 0x100;
    public const int S_IFMT = 0xF000, S_IFIFO = 0x1000;

    /// <summary><c>struct statx</c> (linux/stat.h, 256 bytes, the same on every architecture); only the
    /// fields Diag reads are named.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true)]
    public static partial int StatxAt(int dirFd, byte* path, int flags, uint mask, Statx* result);

    public const int SYS_pidfd_open = 434, SYS_pidfd_getfd = 438; // x86_64; glibc before 2.36 has no wrappers

    /// <summary><c>syscall(2)</c> with two arguments (variadic in C; integer arguments pass the same way).</summary>
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall2(long number, long a1, long a2);

    /// <summary><c>syscall(2)</c> with three arguments.</summary>
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall3(long number, long a1, long a2, long a3);

    public const int CLONE_NEWNET = 0x40000000;

    /// <summary>Moves the calling thread (only it) into the namespace <paramref name="fd"/> refers to.</summary>
    [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int namespaceType);

    public const int FIONREAD = 0x541B;

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlInt(int fd, nuint request, int* value);

    public const int F_GETPIPE_SZ = 1032;

    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, long argument);
}
