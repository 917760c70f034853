using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Calls for Get-PipePeer: a pipe's fill and size
// through a duplicate of the target's own descriptor (pidfd_getfd, FIONREAD, F_GETPIPE_SZ), and setns to
// ask sock_diag about another network namespace's Unix sockets.
internal static unsafe partial class Libc
{
    public const int NETLINK_SOCK_DIAG = 4;


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
