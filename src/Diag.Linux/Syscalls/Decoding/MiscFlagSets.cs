// Values generated from the x86_64 Linux UAPI headers in /usr/include (sys/random.h, fcntl.h,
// sys/eventfd.h, sys/mman.h, sys/file.h, sys/inotify.h, linux/falloc.h, sys/personality.h,
// sys/resource.h, sys/time.h, sys/timerfd.h, sys/wait.h, linux/close_range.h, sys/xattr.h,
// sys/signalfd.h, linux/capability.h) with a C program printing each macro, so they are the
// compiler's values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Flags and enumerations of the smaller syscalls.</summary>
internal static class MiscFlagSets
{
    public static readonly FlagSet GetrandomFlags = new("0",
        ("GRND_NONBLOCK", 0x1), ("GRND_RANDOM", 0x2), ("GRND_INSECURE", 0x4));

    public static readonly ValueNames FadviseAdvice = new(
        ("POSIX_FADV_NORMAL", 0), ("POSIX_FADV_RANDOM", 1), ("POSIX_FADV_SEQUENTIAL", 2),
        ("POSIX_FADV_WILLNEED", 3), ("POSIX_FADV_DONTNEED", 4), ("POSIX_FADV_NOREUSE", 5));

    public static readonly FlagSet EventfdFlags = new("0",
        ("EFD_SEMAPHORE", 0x1), ("EFD_CLOEXEC", 0x80000), ("EFD_NONBLOCK", 0x800));

    public static readonly FlagSet MemfdFlags = new("0",
        ("MFD_CLOEXEC", 0x1), ("MFD_ALLOW_SEALING", 0x2), ("MFD_HUGETLB", 0x4), ("MFD_NOEXEC_SEAL", 0x8), ("MFD_EXEC", 0x10));

    public static readonly FlagSet FlockOperations = new("0",
        ("LOCK_SH", 0x1), ("LOCK_EX", 0x2), ("LOCK_NB", 0x4), ("LOCK_UN", 0x8), ("LOCK_MAND", 0x20),
        ("LOCK_READ", 0x40), ("LOCK_WRITE", 0x80));

    public static readonly FlagSet InotifyMask = new("0",
        ("IN_ACCESS", 0x1), ("IN_MODIFY", 0x2), ("IN_ATTRIB", 0x4), ("IN_CLOSE_WRITE", 0x8),
        ("IN_CLOSE_NOWRITE", 0x10), ("IN_OPEN", 0x20), ("IN_MOVED_FROM", 0x40), ("IN_MOVED_TO", 0x80),
        ("IN_CREATE", 0x100), ("IN_DELETE", 0x200), ("IN_DELETE_SELF", 0x400), ("IN_MOVE_SELF", 0x800),
        ("IN_UNMOUNT", 0x2000), ("IN_Q_OVERFLOW", 0x4000), ("IN_IGNORED", 0x8000), ("IN_ONLYDIR", 0x1000000),
        ("IN_DONT_FOLLOW", 0x2000000), ("IN_EXCL_UNLINK", 0x4000000), ("IN_MASK_CREATE", 0x10000000),
        ("IN_MASK_ADD", 0x20000000), ("IN_ISDIR", 0x40000000), ("IN_ONESHOT", 0x80000000));

    public static readonly FlagSet InotifyInitFlags = new("0",
        ("IN_NONBLOCK", 0x800), ("IN_CLOEXEC", 0x80000));

    public static readonly FlagSet FallocateModes = new("0",
        ("FALLOC_FL_KEEP_SIZE", 0x1), ("FALLOC_FL_PUNCH_HOLE", 0x2), ("FALLOC_FL_NO_HIDE_STALE", 0x4),
        ("FALLOC_FL_COLLAPSE_RANGE", 0x8), ("FALLOC_FL_ZERO_RANGE", 0x10), ("FALLOC_FL_INSERT_RANGE", 0x20),
        ("FALLOC_FL_UNSHARE_RANGE", 0x40));

    public static readonly FlagSet PersonalityFlags = new("0",
        ("UNAME26", 0x20000), ("ADDR_NO_RANDOMIZE", 0x40000), ("FDPIC_FUNCPTRS", 0x80000),
        ("MMAP_PAGE_ZERO", 0x100000), ("ADDR_COMPAT_LAYOUT", 0x200000), ("READ_IMPLIES_EXEC", 0x400000),
        ("ADDR_LIMIT_32BIT", 0x800000), ("SHORT_INODE", 0x1000000), ("WHOLE_SECONDS", 0x2000000),
        ("STICKY_TIMEOUTS", 0x4000000), ("ADDR_LIMIT_3GB", 0x8000000));

    public static readonly ValueNames PersonalityTypes = new(
        ("PER_LINUX", 0), ("PER_SVR4", 1), ("PER_SVR3", 2), ("PER_OSR5", 3), ("PER_WYSEV386", 4),
        ("PER_ISCR4", 5), ("PER_BSD", 6), ("PER_XENIX", 7), ("PER_LINUX32", 8), ("PER_IRIX32", 9),
        ("PER_IRIXN32", 0xa), ("PER_IRIX64", 0xb), ("PER_RISCOS", 0xc), ("PER_SOLARIS", 0xd),
        ("PER_UW7", 0xe), ("PER_OSF4", 0xf), ("PER_HPUX", 0x10));

    /// <summary>A persona as strace prints it: <c>PER_LINUX|ADDR_NO_RANDOMIZE</c>; 0xffffffff (the query) in hex.</summary>
    public static string Personality(ulong persona)
    {
        var value = (uint)persona;
        if (value == 0xffffffff)
            return "0xffffffff";
        var type = PersonalityTypes.Format(value & 0xff);
        var flags = value & ~0xffu;
        return flags == 0 ? type : type + "|" + PersonalityFlags.Format(flags);
    }

    public static readonly ValueNames Resources = new(
        ("RLIMIT_CPU", 0), ("RLIMIT_FSIZE", 1), ("RLIMIT_DATA", 2), ("RLIMIT_STACK", 3), ("RLIMIT_CORE", 4),
        ("RLIMIT_RSS", 5), ("RLIMIT_NPROC", 6), ("RLIMIT_NOFILE", 7), ("RLIMIT_MEMLOCK", 8), ("RLIMIT_AS", 9),
        ("RLIMIT_LOCKS", 10), ("RLIMIT_SIGPENDING", 11), ("RLIMIT_MSGQUEUE", 12), ("RLIMIT_NICE", 13),
        ("RLIMIT_RTPRIO", 14), ("RLIMIT_RTTIME", 15));

    public static readonly ValueNames PriorityWhich = new(
        ("PRIO_PROCESS", 0), ("PRIO_PGRP", 1), ("PRIO_USER", 2));

    public static readonly ValueNames RusageWho = new(
        ("RUSAGE_SELF", 0), ("RUSAGE_CHILDREN", -1), ("RUSAGE_THREAD", 1));

    public static readonly ValueNames ItimerWhich = new(
        ("ITIMER_REAL", 0), ("ITIMER_VIRTUAL", 1), ("ITIMER_PROF", 2));

    public static readonly FlagSet TimerfdFlags = new("0",
        ("TFD_CLOEXEC", 0x80000), ("TFD_NONBLOCK", 0x800));

    public static readonly FlagSet TimerfdSettimeFlags = new("0",
        ("TFD_TIMER_ABSTIME", 0x1), ("TFD_TIMER_CANCEL_ON_SET", 0x2));

    public static readonly ValueNames IdTypes = new(
        ("P_ALL", 0), ("P_PID", 1), ("P_PGID", 2), ("P_PIDFD", 3));

    public static readonly FlagSet CloseRangeFlags = new("0",
        ("CLOSE_RANGE_UNSHARE", 0x2), ("CLOSE_RANGE_CLOEXEC", 0x4));

    public static readonly FlagSet XattrFlags = new("0",
        ("XATTR_CREATE", 0x1), ("XATTR_REPLACE", 0x2));

    public static readonly FlagSet MsyncFlags = new("0",
        ("MS_ASYNC", 0x1), ("MS_INVALIDATE", 0x2), ("MS_SYNC", 0x4));

    public static readonly FlagSet MlockallFlags = new("0",
        ("MCL_CURRENT", 0x1), ("MCL_FUTURE", 0x2), ("MCL_ONFAULT", 0x4));

    public static readonly FlagSet SignalfdFlags = new("0",
        ("SFD_NONBLOCK", 0x800), ("SFD_CLOEXEC", 0x80000));

    public static readonly ValueNames SigevNotify = new(
        ("SIGEV_SIGNAL", 0), ("SIGEV_NONE", 1), ("SIGEV_THREAD", 2), ("SIGEV_THREAD_ID", 4));

    public static readonly ValueNames SuidDumpable = new(
        ("SUID_DUMP_DISABLE", 0), ("SUID_DUMP_USER", 1), ("SUID_DUMP_ROOT", 2));

    public static readonly ValueNames Capabilities = new(
        ("CAP_CHOWN", 0), ("CAP_DAC_OVERRIDE", 1), ("CAP_DAC_READ_SEARCH", 2), ("CAP_FOWNER", 3),
        ("CAP_FSETID", 4), ("CAP_KILL", 5), ("CAP_SETGID", 6), ("CAP_SETUID", 7), ("CAP_SETPCAP", 8),
        ("CAP_LINUX_IMMUTABLE", 9), ("CAP_NET_BIND_SERVICE", 10), ("CAP_NET_BROADCAST", 11),
        ("CAP_NET_ADMIN", 12), ("CAP_NET_RAW", 13), ("CAP_IPC_LOCK", 14), ("CAP_IPC_OWNER", 15),
        ("CAP_SYS_MODULE", 16), ("CAP_SYS_RAWIO", 17), ("CAP_SYS_CHROOT", 18), ("CAP_SYS_PTRACE", 19),
        ("CAP_SYS_PACCT", 20), ("CAP_SYS_ADMIN", 21), ("CAP_SYS_BOOT", 22), ("CAP_SYS_NICE", 23),
        ("CAP_SYS_RESOURCE", 24), ("CAP_SYS_TIME", 25), ("CAP_SYS_TTY_CONFIG", 26), ("CAP_MKNOD", 27),
        ("CAP_LEASE", 28), ("CAP_AUDIT_WRITE", 29), ("CAP_AUDIT_CONTROL", 30), ("CAP_SETFCAP", 31),
        ("CAP_MAC_OVERRIDE", 32), ("CAP_MAC_ADMIN", 33), ("CAP_SYSLOG", 34), ("CAP_WAKE_ALARM", 35),
        ("CAP_BLOCK_SUSPEND", 36), ("CAP_AUDIT_READ", 37), ("CAP_PERFMON", 38), ("CAP_BPF", 39),
        ("CAP_CHECKPOINT_RESTORE", 40));
}
