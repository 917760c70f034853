namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// How one syscall parameter is read and printed. "Related" is the register of the parameter it
/// depends on (a buffer's length, an option's level...). Inputs are read at the call's entry, what the
/// kernel fills in at its exit, and in/out parameters at both (see <see cref="ArgumentFormatter"/>).
/// </summary>
internal enum ArgumentKind
{
    // ---- plain values (entry) ----
    /// <summary>Raw value in hex (0 prints as 0).</summary>
    Hex,
    /// <summary>A pointer: NULL or hex.</summary>
    Pointer,
    /// <summary>Signed 32-bit decimal (int).</summary>
    Int,
    /// <summary>Unsigned decimal (size_t, unsigned int).</summary>
    UInt,
    /// <summary>Unsigned 32-bit decimal (unsigned int).</summary>
    UnsignedInt,
    /// <summary>Signed 64-bit decimal (off_t, long).</summary>
    Long,
    /// <summary>A file descriptor (int).</summary>
    Fd,
    /// <summary>A directory descriptor of the *at calls: AT_FDCWD or an fd.</summary>
    DirFd,
    /// <summary>File mode in octal (0644).</summary>
    Mode,

    // ---- strings and buffers ----
    /// <summary>A NUL-terminated path read at entry, printed in full.</summary>
    PathIn,
    /// <summary>A NUL-terminated string read at entry, truncated like strace -s 32.</summary>
    StringIn,
    /// <summary>Bytes written by the caller; length in Related.</summary>
    BufferIn,
    /// <summary>Bytes the kernel filled; length = the return value; shown only after success.</summary>
    BufferOut,
    /// <summary>Like <see cref="BufferOut"/>, every byte in \x form (getrandom's random bytes).</summary>
    HexBufferOut,
    /// <summary>A NUL-terminated path the kernel filled (getcwd), shown after success.</summary>
    PathOut,
    /// <summary>A NULL-terminated char*[] read at entry: ["ls", "-l"].</summary>
    Argv,
    /// <summary>The environment: pointer and count (0x7ffc... /* 23 vars */).</summary>
    Envp,

    // ---- files ----
    /// <summary>open's mode: printed only when flags (Related) hold O_CREAT or O_TMPFILE.</summary>
    OpenMode,
    /// <summary>O_RDONLY|O_CLOEXEC...</summary>
    OpenFlags,
    /// <summary>AT_* flags.</summary>
    AtFlags,
    /// <summary>statx's flags: the sync type (AT_STATX_SYNC_AS_STAT) then AT_* flags.</summary>
    StatxFlags,
    /// <summary>STATX_* mask bits.</summary>
    StatxMask,
    /// <summary>unlinkat flags (AT_REMOVEDIR).</summary>
    UnlinkAtFlags,
    /// <summary>faccessat2 flags (AT_EACCESS...).</summary>
    FaccessatFlags,
    /// <summary>F_OK or R_OK|W_OK|X_OK.</summary>
    AccessMode,
    /// <summary>SEEK_SET...</summary>
    SeekWhence,
    /// <summary>RENAME_NOREPLACE...</summary>
    RenameFlags,
    /// <summary>O_CLOEXEC (dup3).</summary>
    CloexecFlags,
    /// <summary>O_NONBLOCK|O_CLOEXEC|O_DIRECT (pipe2).</summary>
    Pipe2Flags,
    /// <summary>int[2] filled by pipe/pipe2/socketpair: [3, 4] after success.</summary>
    FdPairOut,
    /// <summary>fcntl command.</summary>
    FcntlCommand,
    /// <summary>fcntl's third argument, printed per command (Related = cmd); omitted for the F_GET* commands.</summary>
    FcntlArgument,
    /// <summary>LOCK_SH|LOCK_NB (flock).</summary>
    FlockOperation,
    /// <summary>POSIX_FADV_* (fadvise64).</summary>
    FadviseAdvice,
    /// <summary>struct stat filled by the kernel: {st_mode=S_IFREG|0644, st_size=1234, ...}.</summary>
    StatOut,
    /// <summary>struct statx filled by the kernel.</summary>
    StatxOut,
    /// <summary>struct statfs filled by the kernel.</summary>
    StatfsOut,
    /// <summary>getdents64/getdents buffer: its address and the number of entries the kernel wrote.</summary>
    Dirents64Out,
    /// <summary>getdents (the old layout) buffer.</summary>
    DirentsOut,
    /// <summary>utimensat's struct timespec[2] with UTIME_NOW / UTIME_OMIT.</summary>
    UtimensTimes,
    /// <summary>The umask argument, in octal (022).</summary>
    Umask,
    /// <summary>close_range's last fd: ~0U for UINT_MAX.</summary>
    CloseRangeLast,
    /// <summary>CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC.</summary>
    CloseRangeFlags,
    /// <summary>An xattr value the kernel filled (getxattr), after success.</summary>
    XattrValueOut,
    /// <summary>An xattr value given by the caller; length in Related.</summary>
    XattrValueIn,
    /// <summary>XATTR_CREATE|XATTR_REPLACE.</summary>
    XattrFlags,
    /// <summary>A list of xattr names the kernel filled (listxattr), after success.</summary>
    XattrListOut,
    /// <summary>IN_* watch mask bits.</summary>
    InotifyMask,
    /// <summary>IN_NONBLOCK|IN_CLOEXEC.</summary>
    InotifyInitFlags,
    /// <summary>FALLOC_FL_* (fallocate).</summary>
    FallocateMode,
    /// <summary>An off_t* in/out (sendfile, copy_file_range): [0] => [4096].</summary>
    OffsetInOut,

    // ---- ioctl, prctl, arch_prctl ----
    /// <summary>ioctl's request by name (TCGETS, FIONREAD...).</summary>
    IoctlRequest,
    /// <summary>ioctl's third argument, decoded per request (Related = request).</summary>
    IoctlArgument,
    /// <summary>prctl's option by name.</summary>
    PrctlOption,
    /// <summary>A prctl argument after the option, printed per option (Related = option); left out when unused.</summary>
    PrctlArgument,
    /// <summary>arch_prctl's code by name.</summary>
    ArchPrctlCode,
    /// <summary>arch_prctl's address: ARCH_GET_* fill an unsigned long.</summary>
    ArchPrctlAddress,

    // ---- memory ----
    /// <summary>PROT_READ|PROT_WRITE</summary>
    Protection,
    /// <summary>MAP_PRIVATE|MAP_ANONYMOUS</summary>
    MapFlags,
    /// <summary>MREMAP_MAYMOVE...</summary>
    RemapFlags,
    /// <summary>MADV_DONTNEED...</summary>
    Advice,
    /// <summary>MS_ASYNC|MS_INVALIDATE (msync).</summary>
    MsyncFlags,
    /// <summary>MCL_CURRENT|MCL_FUTURE (mlockall).</summary>
    MlockallFlags,
    /// <summary>MFD_CLOEXEC|MFD_ALLOW_SEALING (memfd_create).</summary>
    MemfdFlags,

    // ---- network ----
    /// <summary>AF_INET...</summary>
    AddressFamily,
    /// <summary>SOCK_DGRAM|SOCK_NONBLOCK</summary>
    SocketType,
    /// <summary>SOCK_NONBLOCK|SOCK_CLOEXEC (accept4).</summary>
    SocketFlags,
    /// <summary>IPPROTO_* for AF_INET/AF_INET6, NETLINK_* for AF_NETLINK (domain in Related), else decimal.</summary>
    SocketProtocol,
    /// <summary>A sockaddr read at entry; length in Related.</summary>
    SockaddrIn,
    /// <summary>A sockaddr the kernel filled; Related = the socklen_t* register; shown after success.</summary>
    SockaddrOut,
    /// <summary>An in/out socklen_t* (accept, getsockname, recvfrom): [16], or [128 => 16] when the kernel changed it.</summary>
    SocklenInOut,
    /// <summary>MSG_DONTWAIT...</summary>
    MessageFlags,
    /// <summary>SHUT_RD...</summary>
    ShutdownHow,
    /// <summary>SOL_SOCKET, SOL_TCP...</summary>
    SocketLevel,
    /// <summary>SO_* / TCP_* / IP_* / IPV6_* by the level (Related).</summary>
    SocketOption,
    /// <summary>setsockopt's value: [int] when the length (Related) is 4, else the bytes.</summary>
    SocketOptionValueIn,
    /// <summary>getsockopt's value: [int] after success when *optlen (Related) is 4.</summary>
    SocketOptionValueOut,
    /// <summary>struct msghdr given to sendmsg.</summary>
    MsghdrIn,
    /// <summary>struct msghdr filled by recvmsg (msg_namelen 128 => 16).</summary>
    MsghdrOut,
    /// <summary>sendmmsg's struct mmsghdr[] (count in Related), shown at exit with the msg_len of those sent.</summary>
    MmsghdrVectorIn,
    /// <summary>recvmmsg's struct mmsghdr[], shown at exit: the messages received (the return value) with their data.</summary>
    MmsghdrVectorOut,

    // ---- I/O vectors, poll, select, epoll ----
    /// <summary>struct iovec[] the caller filled (writev); count in Related.</summary>
    IovecIn,
    /// <summary>struct iovec[] the kernel filled (readv): data up to the return value; count in Related.</summary>
    IovecOut,
    /// <summary>struct pollfd[] at entry: [{fd=3, events=POLLIN}]; count in Related. The revents come with the return value.</summary>
    PollFds,
    /// <summary>select/pselect6's fd_set at entry: [3 5]; nfds in Related. The ready sets come with the return value.</summary>
    FdSet,
    /// <summary>select's struct timeval* timeout at entry (what is left comes with the return value).</summary>
    SelectTimeval,
    /// <summary>pselect6's { const sigset_t *ss; size_t ss_len; }*.</summary>
    Pselect6Sigmask,
    /// <summary>A struct epoll_event* given to epoll_ctl.</summary>
    EpollEventIn,
    /// <summary>struct epoll_event[] filled by epoll_wait; count = the return value.</summary>
    EpollEventsOut,
    /// <summary>EPOLL_CTL_ADD...</summary>
    EpollOp,
    /// <summary>EPOLL_CLOEXEC</summary>
    EpollFlags,
    /// <summary>EFD_CLOEXEC|EFD_NONBLOCK (eventfd2).</summary>
    EventfdFlags,

    // ---- processes ----
    /// <summary>clone's flags: CLONE_VM|...|SIGCHLD.</summary>
    CloneFlags,
    /// <summary>clone's parent_tid: the TID the kernel stored (CLONE_PARENT_SETTID), shown after the call.</summary>
    CloneParentTid,
    /// <summary>clone's tls: shown with CLONE_SETTLS.</summary>
    CloneTls,
    /// <summary>clone's child_tidptr: shown with CLONE_CHILD_SETTID or CLONE_CHILD_CLEARTID.</summary>
    CloneChildTid,
    /// <summary>clone3's struct clone_args, and at exit what the kernel stored: => {parent_tid=[1234]}.</summary>
    CloneArgs,
    /// <summary>WNOHANG|__WALL...</summary>
    WaitOptions,
    /// <summary>wait4's int* status, decoded after success.</summary>
    WaitStatusOut,
    /// <summary>struct rusage* filled by wait4/getrusage.</summary>
    RusageOut,
    /// <summary>RUSAGE_SELF...</summary>
    RusageWho,
    /// <summary>waitid's idtype: P_PID...</summary>
    IdType,
    /// <summary>A siginfo_t* filled by the kernel (waitid, rt_sigtimedwait).</summary>
    SiginfoOut,
    /// <summary>RLIMIT_NOFILE...</summary>
    Resource,
    /// <summary>struct rlimit64 given by the caller.</summary>
    RlimitIn,
    /// <summary>struct rlimit64 filled by the kernel.</summary>
    RlimitOut,
    /// <summary>struct utsname filled by uname.</summary>
    UtsnameOut,
    /// <summary>struct sysinfo filled by sysinfo.</summary>
    SysinfoOut,
    /// <summary>GRND_NONBLOCK...</summary>
    GetrandomFlags,
    /// <summary>A CPU mask the caller gives (sched_setaffinity); size in Related.</summary>
    CpuSetIn,
    /// <summary>A CPU mask the kernel fills (sched_getaffinity): [0 1]; its size is the return value.</summary>
    CpuSetOut,
    /// <summary>personality's persona: PER_LINUX|ADDR_NO_RANDOMIZE, 0xffffffff to query.</summary>
    Personality,
    /// <summary>PRIO_PROCESS...</summary>
    PriorityWhich,
    /// <summary>gid_t[] filled by getgroups (count = the return value).</summary>
    GroupsOut,
    /// <summary>gid_t[] given to setgroups; count in Related.</summary>
    GroupsIn,
    /// <summary>An int* the kernel fills, shown as [N] after success.</summary>
    IntOut,

    // ---- signals ----
    /// <summary>A signal number: SIGUSR1.</summary>
    Signal,
    /// <summary>SIG_BLOCK...</summary>
    SigmaskHow,
    /// <summary>A sigset_t* read at entry: [USR1 TERM].</summary>
    SigsetIn,
    /// <summary>A sigset_t* filled by the kernel, shown after success.</summary>
    SigsetOut,
    /// <summary>A struct sigaction* given by the caller.</summary>
    SigactionIn,
    /// <summary>A struct sigaction* the kernel filled with the old action.</summary>
    SigactionOut,
    /// <summary>A stack_t* given to sigaltstack.</summary>
    StackIn,
    /// <summary>A stack_t* filled by sigaltstack.</summary>
    StackOut,
    /// <summary>A siginfo_t* given by the caller (rt_sigqueueinfo).</summary>
    SiginfoIn,
    /// <summary>SFD_NONBLOCK|SFD_CLOEXEC.</summary>
    SignalfdFlags,

    // ---- waiting, time ----
    /// <summary>FUTEX_WAIT_PRIVATE...</summary>
    FutexOp,
    /// <summary>futex's 4th argument: a timespec* for the wait ops (op in Related), val2 for requeue
    /// and wake-op, left out for the wake ops.</summary>
    FutexTimeout,
    /// <summary>futex's uaddr2: shown only for the ops that use it (op in Related).</summary>
    FutexUaddr2,
    /// <summary>futex's val3: the bitset for the *_BITSET ops, the compare value for CMP_REQUEUE,
    /// the encoded operation for WAKE_OP; left out for the others (op in Related).</summary>
    FutexVal3,
    /// <summary>CLOCK_MONOTONIC...</summary>
    ClockId,
    /// <summary>TIMER_ABSTIME</summary>
    TimerFlags,
    /// <summary>A struct timespec* read at entry: {tv_sec=1, tv_nsec=0}.</summary>
    TimespecIn,
    /// <summary>A struct timespec* the kernel filled (clock_gettime).</summary>
    TimespecOut,
    /// <summary>A struct timeval* the kernel filled (gettimeofday).</summary>
    TimevalOut,
    /// <summary>nanosleep's remaining time: filled only when a signal interrupted the sleep.</summary>
    RemainOut,
    /// <summary>ITIMER_REAL...</summary>
    ItimerWhich,
    /// <summary>A struct itimerval* given by the caller.</summary>
    ItimervalIn,
    /// <summary>A struct itimerval* the kernel filled.</summary>
    ItimervalOut,
    /// <summary>A struct itimerspec* given by the caller.</summary>
    ItimerspecIn,
    /// <summary>A struct itimerspec* the kernel filled.</summary>
    ItimerspecOut,
    /// <summary>A struct sigevent* (timer_create).</summary>
    SigeventIn,
    /// <summary>TFD_CLOEXEC|TFD_NONBLOCK (timerfd_create).</summary>
    TimerfdFlags,
    /// <summary>TFD_TIMER_ABSTIME (timerfd_settime).</summary>
    TimerfdSettimeFlags,

    // ---- other structures ----
    /// <summary>openat2's struct open_how.</summary>
    OpenHow,
}
