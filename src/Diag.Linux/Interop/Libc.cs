using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

/// <summary>
/// libc entry points used by the engine. Every native call in Diag goes through this partial class, one
/// file per kernel API: files (Libc.Files.cs), processes and signals (Libc.Processes.cs), ptrace
/// (Libc.Ptrace.cs), memory (Libc.Memory.cs), events (Libc.Events.cs), netlink sockets (Libc.Netlink.cs) and
/// bpf (Libc.Bpf.cs). Calls set errno (<c>SetLastError = true</c>); callers turn a failure into a
/// <see cref="SyscallException"/>. Descriptors the engine keeps are <see cref="SafeFileDescriptor"/>s.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    [LibraryImport(Lib, EntryPoint = "sysconf", SetLastError = true)]
    public static partial long SysConf(int name);

    public const int _SC_CLK_TCK = 2, _SC_NPROCESSORS_ONLN = 84;

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    [LibraryImport(Lib, EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport(Lib, EntryPoint = "gettid")]
    public static partial int GetTid();

    /// <summary><c>syscall(2)</c> with two arguments, for calls glibc does not wrap (numbers in
    /// <see cref="SyscallNumbers"/>); variadic in C, integer arguments pass the same way. -1 with errno on failure.</summary>
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall2(long number, long a1, long a2);

    /// <summary><c>syscall(2)</c> with three arguments.</summary>
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall3(long number, long a1, long a2, long a3);

    [LibraryImport(Lib, EntryPoint = "free")]
    public static partial void Free(void* pointer);

    /// <summary>errno of the last call made with <c>SetLastError = true</c> on this thread.</summary>
    public static int LastErrno => Marshal.GetLastPInvokeError();
}
