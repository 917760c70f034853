namespace Diag.Linux.Limits;

/// <summary>The resource limits of Linux (getrlimit(2)), numbered as the kernel numbers them (RLIMIT_*).</summary>
public enum ResourceLimitKind
{
    /// <summary>RLIMIT_CPU: CPU seconds; SIGXCPU at the soft limit, SIGKILL at the hard one.</summary>
    CpuTime = 0,

    /// <summary>RLIMIT_FSIZE: the largest file it may write (SIGXFSZ / EFBIG beyond).</summary>
    FileSize = 1,

    /// <summary>RLIMIT_DATA: private writable memory (heap, brk, private mappings).</summary>
    Data = 2,

    /// <summary>RLIMIT_STACK: the main thread's stack (and glibc's default size for new threads' stacks).</summary>
    Stack = 3,

    /// <summary>RLIMIT_CORE: the largest core file.</summary>
    CoreFileSize = 4,

    /// <summary>RLIMIT_RSS: not enforced by Linux.</summary>
    ResidentSet = 5,

    /// <summary>RLIMIT_NPROC: processes and threads of its real user (fork and pthread_create fail with EAGAIN).</summary>
    Processes = 6,

    /// <summary>RLIMIT_NOFILE: one more than the highest descriptor it may open (open and accept fail with EMFILE).</summary>
    OpenFiles = 7,

    /// <summary>RLIMIT_MEMLOCK: memory locked in RAM (mlock, io_uring, older kernels' BPF maps).</summary>
    LockedMemory = 8,

    /// <summary>RLIMIT_AS: address space (mmap and malloc fail with ENOMEM).</summary>
    AddressSpace = 9,

    /// <summary>RLIMIT_LOCKS: not enforced since Linux 2.4.25.</summary>
    FileLocks = 10,

    /// <summary>RLIMIT_SIGPENDING: signals queued for its real user.</summary>
    PendingSignals = 11,

    /// <summary>RLIMIT_MSGQUEUE: bytes of POSIX message queues of its real user.</summary>
    MessageQueue = 12,

    /// <summary>RLIMIT_NICE: how far it may raise its priority (20 - limit is the lowest nice value).</summary>
    NicePriority = 13,

    /// <summary>RLIMIT_RTPRIO: the highest real-time priority it may set.</summary>
    RealtimePriority = 14,

    /// <summary>RLIMIT_RTTIME: microseconds of CPU a real-time thread may use without blocking.</summary>
    RealtimeTimeout = 15,
}

/// <summary>How a limit stands against its use.</summary>
public enum LimitStatus
{
    /// <summary>Room to spare (or the use is not known).</summary>
    Ok,

    /// <summary>At least 80 % of the soft limit is used.</summary>
    NearLimit,

    /// <summary>Set so high that programs which size tables by it or close every descriptor up to it suffer (open
    /// files at 2^24 or more: MySQL 5's table cache, Java raising its soft limit to the hard one).</summary>
    TooHigh,
}

/// <summary>Where a process's limit came from.</summary>
public enum LimitSource
{
    /// <summary>Not known.</summary>
    Unknown,

    /// <summary>Its systemd unit (LimitNOFILE= and the like).</summary>
    SystemdUnit,

    /// <summary>systemd's defaults for every service (DefaultLimitNOFILE= in system.conf, or systemd's built-in ones).</summary>
    SystemdDefault,

    /// <summary>A login session: pam_limits (/etc/security/limits.conf and limits.d) or the limits sshd and login had.</summary>
    LoginSession,

    /// <summary>A container runtime (docker run --ulimit, default-ulimits).</summary>
    ContainerRuntime,

    /// <summary>Init (PID 1): the kernel's defaults or init's own configuration.</summary>
    Init,

    /// <summary>Set by the process itself (setrlimit, as mysqld and java do) or by an ancestor that differs from its
    /// own parent (a launcher script's ulimit, prlimit).</summary>
    SetByProcess,
}
