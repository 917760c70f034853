using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Processes: signals and their dispositions, resource limits (own and another process's), CPU accounting,
// scheduling priority, clocks, pidfds (pidfd_open, pidfd_getfd: a target's descriptor without tracing it),
// namespaces (setns), and the waitpid status word.
internal static unsafe partial class Libc
{
    public const int SIGTRAP = 5, SIGKILL = 9, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;

    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    public const int SA_NOCLDSTOP = 1;

    /// <summary>glibc's <c>struct sigaction</c> on x86_64/aarch64: handler, 1024-bit mask, flags, restorer.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SigAction
    {
        public nint Handler;
        public fixed ulong Mask[16];
        public int Flags;
        private int _pad;
        public nint Restorer;
    }

    [LibraryImport(Lib, EntryPoint = "sigaction", SetLastError = true)]
    public static partial int SigActionCall(int signal, SigAction* action, SigAction* oldAction);

    public const int RLIMIT_FSIZE = 1, RLIMIT_CORE = 4, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8;

    [StructLayout(LayoutKind.Sequential)]
    public struct ResourceLimit
    {
        public ulong Current, Maximum;
    }

    [LibraryImport(Lib, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetResourceLimit(int resource, ResourceLimit* limit);

    [LibraryImport(Lib, EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetResourceLimit(int resource, ResourceLimit* limit);

    /// <summary>prlimit(2): reads (<paramref name="oldLimit"/>) and sets (<paramref name="newLimit"/>) a limit of another process.</summary>
    [LibraryImport(Lib, EntryPoint = "prlimit", SetLastError = true)]
    public static partial int PrLimit(int pid, int resource, ResourceLimit* newLimit, ResourceLimit* oldLimit);

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

    public const int PRIO_PROCESS = 0;

    /// <summary>setpriority(2); with PRIO_PROCESS and a TID it sets one thread's nice value.</summary>
    [LibraryImport(Lib, EntryPoint = "setpriority", SetLastError = true)]
    public static partial int SetPriority(int which, uint who, int priority);

    public const int CLOCK_MONOTONIC = 1, CLOCK_BOOTTIME = 7;

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [LibraryImport(Lib, EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clock, TimeSpec* time);

    /// <summary>pidfd_open(pid, 0) (Linux 5.3): a descriptor of the process that polls readable once it has
    /// exited; -1 with errno on failure. (glibc before 2.36 has no wrapper.)</summary>
    public static int PidFdOpen(int pid) => (int)Syscall2(SyscallNumbers.PidfdOpen, pid, 0);

    /// <summary>pidfd_getfd(pidfd, fd, 0) (Linux 5.6): a copy of another process's descriptor (needs ptrace
    /// read access to it, but neither stops nor traces it); -1 with errno on failure.</summary>
    public static int PidFdGetFd(SafeFileDescriptor pidFd, int fd)
    {
        var added = false;
        pidFd.DangerousAddRef(ref added);
        try
        {
            return (int)Syscall3(SyscallNumbers.PidfdGetfd, pidFd.Value, fd, 0);
        }
        finally
        {
            if (added) pidFd.DangerousRelease();
        }
    }

    /// <summary><c>struct pidfd_info</c> (linux/pidfd.h) up to supported_mask (80 bytes, Linux 6.17). The kernel fills what
    /// it knows of a larger or smaller struct (copy_struct_to_user), so one layout serves 6.13 and later.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PidfdInfo
    {
        public ulong Mask;
        public ulong CgroupId;
        public uint Pid, Tgid, Ppid, Ruid, Rgid, Euid, Egid, Suid, Sgid, FsUid, FsGid;
        public int ExitCode;
        public uint CoredumpMask, CoredumpSignal;
        public ulong SupportedMask;
    }

    /// <summary>Flags of pidfd_info.mask: PIDFD_INFO_EXIT (6.15) is set once the process was reaped, with its wait status
    /// in ExitCode; PIDFD_INFO_COREDUMP (6.16) says whether it dumped core.</summary>
    public const ulong PIDFD_INFO_PID = 1, PIDFD_INFO_CREDS = 2, PIDFD_INFO_CGROUPID = 4, PIDFD_INFO_EXIT = 8, PIDFD_INFO_COREDUMP = 16;

    /// <summary>PIDFD_GET_INFO: _IOWR(PIDFS_IOCTL_MAGIC 0xFF, 11, struct pidfd_info); the size is part of the number.</summary>
    public static readonly nuint PIDFD_GET_INFO = (nuint)((3u << 30) | ((uint)sizeof(PidfdInfo) << 16) | (0xFFu << 8) | 11u);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlPidfdInfo(SafeFileDescriptor fd, nuint request, PidfdInfo* info);

    /// <summary>ioctl(PIDFD_GET_INFO) asking for <paramref name="mask"/>; 0 and the info, or -1 with errno (ENOTTY/EINVAL
    /// before 6.13, ESRCH for a process reaped before 6.15 or outside this PID namespace).</summary>
    public static int PidfdGetInfo(SafeFileDescriptor pidFd, ulong mask, out PidfdInfo info)
    {
        PidfdInfo result = default;
        result.Mask = mask;
        int rc = IoctlPidfdInfo(pidFd, PIDFD_GET_INFO, &result);
        info = result;
        return rc;
    }

    public const int CLONE_NEWNET = 0x40000000;

    /// <summary>Moves the calling thread (only it) into the namespace <paramref name="fd"/> refers to.</summary>
    [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(SafeFileDescriptor fd, int namespaceType);

    public const int WNOHANG = 1, WUNTRACED = 2, __WNOTHREAD = 0x20000000, __WALL = 0x40000000;

    [LibraryImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    // Decoding a waitpid status word (the W* macros of sys/wait.h).
    public static bool WIfExited(int status) => (status & 0x7f) == 0;
    public static int WExitStatus(int status) => (status >> 8) & 0xff;
    public static bool WIfSignaled(int status) => (status & 0x7f) != 0 && (status & 0x7f) != 0x7f;
    public static int WTermSig(int status) => status & 0x7f;
    public static bool WIfStopped(int status) => (status & 0xff) == 0x7f;
    public static int WStopSig(int status) => (status >> 8) & 0xff;

    /// <summary>The core-dumped bit of a waitpid status (WCOREDUMP): the kernel wrote the core (to a file or a handler).</summary>
    public static bool WCoreDump(int status) => (status & 0x80) != 0;
}
