using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

/// <summary>
/// libc entry points used by the engine. Every native call in Diag goes through this partial
/// class (one file per area: files here, ptrace in Libc.Ptrace.cs, ...). Calls set errno
/// (<c>SetLastError = true</c>); callers turn a failure into a <see cref="SyscallException"/>.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    public const int O_RDONLY = 0, O_CLOEXEC = 0x80000, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000;
    public const int AT_FDCWD = -100;

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(int dirFd, byte* path, int flags);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "pread", SetLastError = true)]
    public static partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "sysconf", SetLastError = true)]
    public static partial long SysConf(int name);

    public const int _SC_CLK_TCK = 2, _SC_NPROCESSORS_ONLN = 84;

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport(Lib, EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport(Lib, EntryPoint = "gettid")]
    public static partial int GetTid();

    /// <summary>errno of the last call made with <c>SetLastError = true</c> on this thread.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();
}
