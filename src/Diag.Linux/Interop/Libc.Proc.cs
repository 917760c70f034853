using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Calls for reading /proc cheaply: directory listing without DirectoryInfo allocations,
// symlink targets, and process CPU accounting for the benchmarks.
internal static unsafe partial class Libc
{
    /// <summary>Reads <c>struct linux_dirent64</c> records of an open directory into <paramref name="buffer"/>;
    /// returns the bytes filled, 0 at the end, -1 on error.</summary>
    [LibraryImport(Lib, EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint GetDents64(int fd, byte* buffer, nuint count);

    public const int SEEK_SET = 0;

    [LibraryImport(Lib, EntryPoint = "lseek", SetLastError = true)]
    public static partial long LSeek(int fd, long offset, int whence);

    [LibraryImport(Lib, EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint ReadLinkAt(int dirFd, byte* path, byte* buffer, nuint size);

    public const int CLOCK_MONOTONIC = 1, CLOCK_BOOTTIME = 7;

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [LibraryImport(Lib, EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clock, TimeSpec* time);

    public const int RLIMIT_NOFILE = 7;

    [StructLayout(LayoutKind.Sequential)]
    public struct ResourceLimit
    {
        public ulong Current, Maximum;
    }

    [LibraryImport(Lib, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetResourceLimit(int resource, ResourceLimit* limit);

    public const int RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;

    /// <summary>The leading part of <c>struct rusage</c>: user and system CPU time as timevals.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ResourceUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        private fixed long _rest[14]; // maxrss .. nivcsw: not used, but the kernel writes them

        /// <summary>User plus system CPU time.</summary>
        public readonly TimeSpan CpuTime =>
            TimeSpan.FromTicks((UserSeconds + SystemSeconds) * TimeSpan.TicksPerSecond +
                               (UserMicroseconds + SystemMicroseconds) * 10);
    }

    [LibraryImport(Lib, EntryPoint = "getrusage", SetLastError = true)]
    public static partial int GetResourceUsage(int who, ResourceUsage* usage);
}
