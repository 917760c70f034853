namespace Diag.Linux.Syscalls.Decoding;

/// <summary>How one syscall parameter is read and printed. "Related" is the index of the parameter
/// it depends on (a buffer's length, an option's level...).</summary>
internal enum ArgumentKind
{
    /// <summary>Raw value in hex (0 prints as 0).</summary>
    Hex,
    /// <summary>A pointer: NULL or hex.</summary>
    Pointer,
    /// <summary>Signed 32-bit decimal (int).</summary>
    Int,
    /// <summary>Unsigned decimal (size_t, unsigned int).</summary>
    UInt,
    /// <summary>Signed 64-bit decimal (off_t, long).</summary>
    Long,
    /// <summary>A file descriptor (int).</summary>
    Fd,
    /// <summary>A directory descriptor of the *at calls: AT_FDCWD or an fd.</summary>
    DirFd,
    /// <summary>A NUL-terminated path read at entry, printed in full.</summary>
    PathIn,
    /// <summary>A NUL-terminated string read at entry, truncated like strace -s 32.</summary>
    StringIn,
    /// <summary>Bytes written by the caller; length in Related.</summary>
    BufferIn,
    /// <summary>Bytes the kernel filled; length = the return value; shown only after success.</summary>
    BufferOut,
    /// <summary>A NUL-terminated path the kernel filled (getcwd), shown after success.</summary>
    PathOut,
    /// <summary>File mode in octal (0644).</summary>
    Mode,
    /// <summary>open's mode: printed only when flags (Related) hold O_CREAT or O_TMPFILE.</summary>
    OpenMode,
    /// <summary>O_RDONLY|O_CLOEXEC...</summary>
    OpenFlags,
    /// <summary>AT_* flags.</summary>
    AtFlags,
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
    /// <summary>PROT_READ|PROT_WRITE</summary>
    Protection,
    /// <summary>MAP_PRIVATE|MAP_ANONYMOUS</summary>
    MapFlags,
    /// <summary>MREMAP_MAYMOVE...</summary>
    RemapFlags,
    /// <summary>MADV_DONTNEED...</summary>
    Advice,
    /// <summary>AF_INET...</summary>
    AddressFamily,
    /// <summary>SOCK_DGRAM|SOCK_NONBLOCK</summary>
    SocketType,
    /// <summary>SOCK_NONBLOCK|SOCK_CLOEXEC (accept4).</summary>
    SocketFlags,
    /// <summary>IPPROTO_* when the domain (Related) is AF_INET/AF_INET6, else decimal.</summary>
    SocketProtocol,
    /// <summary>A sockaddr read at entry; length in Related.</summary>
    SockaddrIn,
    /// <summary>A sockaddr the kernel filled; Related = the socklen_t* parameter; shown after success.</summary>
    SockaddrOut,
    /// <summary>An int* / socklen_t* shown as [16]: the value in memory when decoded (for in/out
    /// lengths, the caller's value after a failure and the kernel's after success).</summary>
    IntPointer,
    /// <summary>MSG_DONTWAIT...</summary>
    MessageFlags,
    /// <summary>SHUT_RD...</summary>
    ShutdownHow,
    /// <summary>SOL_SOCKET, SOL_TCP...</summary>
    SocketLevel,
    /// <summary>SO_* / TCP_* by the level (Related).</summary>
    SocketOption,
    /// <summary>setsockopt's value: [int] when the length (Related) is 4, else the pointer.</summary>
    SocketOptionValueIn,
    /// <summary>getsockopt's value: [int] after success when *optlen (Related) is 4.</summary>
    SocketOptionValueOut,
    /// <summary>CLONE_VM|...|SIGCHLD</summary>
    CloneFlags,
    /// <summary>clone3's struct clone_args.</summary>
    CloneArgs,
    /// <summary>WNOHANG|__WALL...</summary>
    WaitOptions,
    /// <summary>wait4's int* status, decoded after success.</summary>
    WaitStatusOut,
    /// <summary>A signal number: SIGUSR1.</summary>
    Signal,
    /// <summary>SIG_BLOCK...</summary>
    SigmaskHow,
    /// <summary>A sigset_t* read at entry: [USR1 TERM].</summary>
    SigsetIn,
    /// <summary>A sigset_t* filled by the kernel, shown after success.</summary>
    SigsetOut,
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
    /// <summary>EPOLL_CTL_ADD...</summary>
    EpollOp,
    /// <summary>EPOLL_CLOEXEC</summary>
    EpollFlags,
    /// <summary>CLOCK_MONOTONIC...</summary>
    ClockId,
    /// <summary>TIMER_ABSTIME</summary>
    TimerFlags,
    /// <summary>A struct timespec* read at entry: {tv_sec=1, tv_nsec=0}.</summary>
    TimespecIn,
    /// <summary>A NULL-terminated char*[] read at entry: ["ls", "-l"].</summary>
    Argv,
    /// <summary>The environment: pointer and count (0x7ffc... /* 23 vars */).</summary>
    Envp,
    /// <summary>openat2's struct open_how.</summary>
    OpenHow,
}
