using static Diag.Linux.Syscalls.Decoding.ArgumentKind;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// Parameter names and decoding kinds per x86_64 syscall. Names follow the prototypes in the
/// syscalls' man pages (section 2), which is what a reader looks up (<c>mmap(addr, length, prot,
/// flags, fd, offset)</c>). Syscalls listed with <c>Raw</c> have names only and print in hex;
/// syscalls not listed print <c>arg0</c>.. in hex, as many as strace's table says they take.
/// </summary>
internal static class SyscallSignatures
{
    private static readonly SyscallParameter[]?[] ByNumber = Build();

    /// <summary>The parameters of syscall <paramref name="number"/>, or null when not described here.</summary>
    public static SyscallParameter[]? Get(int number) =>
        number >= 0 && number < ByNumber.Length ? ByNumber[number] : null;

    private static SyscallParameter P(string name, ArgumentKind kind, int related = -1) => new(name, kind, related);

    private static SyscallParameter[]?[] Build()
    {
        var table = new SyscallParameter[]?[SyscallTable.MaxNumber + 1];
        void Add(string syscall, params SyscallParameter[] parameters)
        {
            if (!SyscallTable.TryGetNumber(syscall, out var number))
                throw new InvalidOperationException($"Signature for unknown syscall {syscall}.");
            table[number] = parameters;
        }
        void Raw(string syscall, params string[] names) => Add(syscall, names.Select(n => P(n, Hex)).ToArray());

        // Files: open, read, write and friends.
        Add("read", P("fd", Fd), P("buf", BufferOut), P("count", UInt));
        Add("write", P("fd", Fd), P("buf", BufferIn, 2), P("count", UInt));
        Add("pread64", P("fd", Fd), P("buf", BufferOut), P("count", UInt), P("offset", Long));
        Add("pwrite64", P("fd", Fd), P("buf", BufferIn, 2), P("count", UInt), P("offset", Long));
        Add("readv", P("fd", Fd), P("iov", IovecOut, 2), P("iovcnt", Int));
        Add("writev", P("fd", Fd), P("iov", IovecIn, 2), P("iovcnt", Int));
        Add("preadv", P("fd", Fd), P("iov", IovecOut, 2), P("iovcnt", Int), P("offset", Long));
        Add("pwritev", P("fd", Fd), P("iov", IovecIn, 2), P("iovcnt", Int), P("offset", Long));
        Add("open", P("pathname", PathIn), P("flags", OpenFlags), P("mode", OpenMode, 1));
        Add("openat", P("dirfd", DirFd), P("pathname", PathIn), P("flags", OpenFlags), P("mode", OpenMode, 2));
        Add("openat2", P("dirfd", DirFd), P("pathname", PathIn), P("how", OpenHow), P("size", UInt));
        Add("creat", P("pathname", PathIn), P("mode", Mode));
        Add("close", P("fd", Fd));
        Add("close_range", P("first", UnsignedInt), P("last", CloseRangeLast), P("flags", CloseRangeFlags));
        Add("lseek", P("fd", Fd), P("offset", Long), P("whence", SeekWhence));
        Add("stat", P("pathname", PathIn), P("statbuf", StatOut));
        Add("lstat", P("pathname", PathIn), P("statbuf", StatOut));
        Add("fstat", P("fd", Fd), P("statbuf", StatOut));
        Add("newfstatat", P("dirfd", DirFd), P("pathname", PathIn), P("statbuf", StatOut), P("flags", AtFlags));
        Add("statx", P("dirfd", DirFd), P("pathname", PathIn), P("flags", StatxFlags), P("mask", StatxMask), P("statxbuf", StatxOut));
        Add("statfs", P("path", PathIn), P("buf", StatfsOut));
        Add("fstatfs", P("fd", Fd), P("buf", StatfsOut));
        Add("access", P("pathname", PathIn), P("mode", AccessMode));
        Add("faccessat", P("dirfd", DirFd), P("pathname", PathIn), P("mode", AccessMode));
        Add("faccessat2", P("dirfd", DirFd), P("pathname", PathIn), P("mode", AccessMode), P("flags", FaccessatFlags));
        Add("readlink", P("pathname", PathIn), P("buf", BufferOut), P("bufsiz", UInt));
        Add("readlinkat", P("dirfd", DirFd), P("pathname", PathIn), P("buf", BufferOut), P("bufsiz", UInt));
        Add("unlink", P("pathname", PathIn));
        Add("unlinkat", P("dirfd", DirFd), P("pathname", PathIn), P("flags", UnlinkAtFlags));
        Add("rmdir", P("pathname", PathIn));
        Add("rename", P("oldpath", PathIn), P("newpath", PathIn));
        Add("renameat", P("olddirfd", DirFd), P("oldpath", PathIn), P("newdirfd", DirFd), P("newpath", PathIn));
        Add("renameat2", P("olddirfd", DirFd), P("oldpath", PathIn), P("newdirfd", DirFd), P("newpath", PathIn), P("flags", RenameFlags));
        Add("mkdir", P("pathname", PathIn), P("mode", Mode));
        Add("mkdirat", P("dirfd", DirFd), P("pathname", PathIn), P("mode", Mode));
        Add("mknod", P("pathname", PathIn), P("mode", Mode), P("dev", Hex));
        Add("mknodat", P("dirfd", DirFd), P("pathname", PathIn), P("mode", Mode), P("dev", Hex));
        Add("link", P("oldpath", PathIn), P("newpath", PathIn));
        Add("linkat", P("olddirfd", DirFd), P("oldpath", PathIn), P("newdirfd", DirFd), P("newpath", PathIn), P("flags", AtFlags));
        Add("symlink", P("target", PathIn), P("linkpath", PathIn));
        Add("symlinkat", P("target", PathIn), P("newdirfd", DirFd), P("linkpath", PathIn));
        Add("chmod", P("pathname", PathIn), P("mode", Mode));
        Add("fchmod", P("fd", Fd), P("mode", Mode));
        Add("fchmodat", P("dirfd", DirFd), P("pathname", PathIn), P("mode", Mode));
        Add("fchmodat2", P("dirfd", DirFd), P("pathname", PathIn), P("mode", Mode), P("flags", AtFlags));
        Add("chown", P("pathname", PathIn), P("owner", Int), P("group", Int));
        Add("lchown", P("pathname", PathIn), P("owner", Int), P("group", Int));
        Add("fchown", P("fd", Fd), P("owner", Int), P("group", Int));
        Add("fchownat", P("dirfd", DirFd), P("pathname", PathIn), P("owner", Int), P("group", Int), P("flags", AtFlags));
        Add("utimensat", P("dirfd", DirFd), P("pathname", PathIn), P("times", UtimensTimes), P("flags", AtFlags));
        Add("truncate", P("path", PathIn), P("length", Long));
        Add("ftruncate", P("fd", Fd), P("length", Long));
        Add("chdir", P("path", PathIn));
        Add("fchdir", P("fd", Fd));
        Add("chroot", P("path", PathIn));
        Add("getcwd", P("buf", PathOut), P("size", UInt));
        Add("getdents64", P("fd", Fd), P("dirp", Dirents64Out), P("count", UInt));
        Add("getdents", P("fd", Fd), P("dirp", DirentsOut), P("count", UInt));
        Add("fsync", P("fd", Fd));
        Add("fdatasync", P("fd", Fd));
        Add("syncfs", P("fd", Fd));
        Add("sync");
        Add("flock", P("fd", Fd), P("operation", FlockOperation));
        Add("dup", P("oldfd", Fd));
        Add("dup2", P("oldfd", Fd), P("newfd", Fd));
        Add("dup3", P("oldfd", Fd), P("newfd", Fd), P("flags", CloexecFlags));
        Add("fcntl", P("fd", Fd), P("cmd", FcntlCommand), P("arg", FcntlArgument, 1));
        Add("ioctl", P("fd", Fd), P("request", IoctlRequest), P("argp", IoctlArgument, 1));
        Add("pipe", P("pipefd", FdPairOut));
        Add("pipe2", P("pipefd", FdPairOut), P("flags", Pipe2Flags));
        Add("umask", P("mask", Umask));
        Add("sendfile", P("out_fd", Fd), P("in_fd", Fd), P("offset", OffsetInOut), P("count", UInt));
        Add("copy_file_range", P("fd_in", Fd), P("off_in", OffsetInOut), P("fd_out", Fd), P("off_out", OffsetInOut), P("len", UInt), P("flags", UnsignedInt));
        Add("splice", P("fd_in", Fd), P("off_in", OffsetInOut), P("fd_out", Fd), P("off_out", OffsetInOut), P("len", UInt), P("flags", Hex));
        Add("tee", P("fd_in", Fd), P("fd_out", Fd), P("len", UInt), P("flags", Hex));
        Add("fadvise64", P("fd", Fd), P("offset", Long), P("len", Long), P("advice", FadviseAdvice));
        Add("readahead", P("fd", Fd), P("offset", Long), P("count", UInt));
        Add("fallocate", P("fd", Fd), P("mode", FallocateMode), P("offset", Long), P("len", Long));
        Add("sync_file_range", P("fd", Fd), P("offset", Long), P("nbytes", Long), P("flags", Hex));
        Add("inotify_init1", P("flags", InotifyInitFlags));
        Add("inotify_add_watch", P("fd", Fd), P("pathname", PathIn), P("mask", InotifyMask));
        Add("inotify_rm_watch", P("fd", Fd), P("wd", Int));
        Add("getxattr", P("path", PathIn), P("name", StringIn), P("value", XattrValueOut), P("size", UInt));
        Add("lgetxattr", P("path", PathIn), P("name", StringIn), P("value", XattrValueOut), P("size", UInt));
        Add("fgetxattr", P("fd", Fd), P("name", StringIn), P("value", XattrValueOut), P("size", UInt));
        Add("setxattr", P("path", PathIn), P("name", StringIn), P("value", XattrValueIn, 3), P("size", UInt), P("flags", XattrFlags));
        Add("lsetxattr", P("path", PathIn), P("name", StringIn), P("value", XattrValueIn, 3), P("size", UInt), P("flags", XattrFlags));
        Add("fsetxattr", P("fd", Fd), P("name", StringIn), P("value", XattrValueIn, 3), P("size", UInt), P("flags", XattrFlags));
        Add("listxattr", P("path", PathIn), P("list", XattrListOut), P("size", UInt));
        Add("llistxattr", P("path", PathIn), P("list", XattrListOut), P("size", UInt));
        Add("flistxattr", P("fd", Fd), P("list", XattrListOut), P("size", UInt));
        Add("removexattr", P("path", PathIn), P("name", StringIn));
        Add("lremovexattr", P("path", PathIn), P("name", StringIn));
        Add("fremovexattr", P("fd", Fd), P("name", StringIn));

        // Memory.
        Add("mmap", P("addr", Pointer), P("length", UInt), P("prot", Protection), P("flags", MapFlags), P("fd", Fd), P("offset", Hex));
        Add("munmap", P("addr", Pointer), P("length", UInt));
        Add("mprotect", P("addr", Pointer), P("len", UInt), P("prot", Protection));
        Add("pkey_mprotect", P("addr", Pointer), P("len", UInt), P("prot", Protection), P("pkey", Int));
        Add("mremap", P("old_address", Pointer), P("old_size", UInt), P("new_size", UInt), P("flags", RemapFlags), P("new_address", Pointer));
        Add("brk", P("addr", Pointer));
        Add("madvise", P("addr", Pointer), P("length", UInt), P("advice", Advice));
        Add("msync", P("addr", Pointer), P("length", UInt), P("flags", MsyncFlags));
        Add("mincore", P("addr", Pointer), P("length", UInt), P("vec", Pointer));
        Add("mlock", P("addr", Pointer), P("len", UInt));
        Add("mlock2", P("addr", Pointer), P("len", UInt), P("flags", Hex));
        Add("munlock", P("addr", Pointer), P("len", UInt));
        Add("mlockall", P("flags", MlockallFlags));
        Add("munlockall");
        Add("memfd_create", P("name", StringIn), P("flags", MemfdFlags));

        // Network.
        Add("socket", P("domain", AddressFamily), P("type", SocketType), P("protocol", SocketProtocol, 0));
        Add("socketpair", P("domain", AddressFamily), P("type", SocketType), P("protocol", SocketProtocol, 0), P("sv", FdPairOut));
        Add("connect", P("sockfd", Fd), P("addr", SockaddrIn, 2), P("addrlen", UInt));
        Add("bind", P("sockfd", Fd), P("addr", SockaddrIn, 2), P("addrlen", UInt));
        Add("accept", P("sockfd", Fd), P("addr", SockaddrOut, 2), P("addrlen", SocklenInOut));
        Add("accept4", P("sockfd", Fd), P("addr", SockaddrOut, 2), P("addrlen", SocklenInOut), P("flags", SocketFlags));
        Add("getsockname", P("sockfd", Fd), P("addr", SockaddrOut, 2), P("addrlen", SocklenInOut));
        Add("getpeername", P("sockfd", Fd), P("addr", SockaddrOut, 2), P("addrlen", SocklenInOut));
        Add("listen", P("sockfd", Fd), P("backlog", Int));
        Add("shutdown", P("sockfd", Fd), P("how", ShutdownHow));
        Add("sendto", P("sockfd", Fd), P("buf", BufferIn, 2), P("len", UInt), P("flags", MessageFlags), P("dest_addr", SockaddrIn, 5), P("addrlen", UInt));
        Add("recvfrom", P("sockfd", Fd), P("buf", BufferOut), P("len", UInt), P("flags", MessageFlags), P("src_addr", SockaddrOut, 5), P("addrlen", SocklenInOut));
        Add("sendmsg", P("sockfd", Fd), P("msg", MsghdrIn), P("flags", MessageFlags));
        Add("recvmsg", P("sockfd", Fd), P("msg", MsghdrOut), P("flags", MessageFlags));
        Add("sendmmsg", P("sockfd", Fd), P("msgvec", MmsghdrVectorIn, 2), P("vlen", UnsignedInt), P("flags", MessageFlags));
        Add("recvmmsg", P("sockfd", Fd), P("msgvec", MmsghdrVectorOut, 2), P("vlen", UnsignedInt), P("flags", MessageFlags), P("timeout", TimespecIn));
        Add("setsockopt", P("sockfd", Fd), P("level", SocketLevel), P("optname", SocketOption, 1), P("optval", SocketOptionValueIn, 4), P("optlen", UInt));
        Add("getsockopt", P("sockfd", Fd), P("level", SocketLevel), P("optname", SocketOption, 1), P("optval", SocketOptionValueOut, 4), P("optlen", SocklenInOut));

        // Processes. clone's registers on x86_64 are flags, stack, parent_tid, child_tid, tls; strace
        // prints them by name in the order below, each only when the flags use it.
        Add("clone", P("child_stack", Pointer) with { Register = 1, Named = true }, P("flags", CloneFlags) with { Register = 0, Named = true },
            P("parent_tid", CloneParentTid) with { Register = 2, Named = true }, P("tls", CloneTls) with { Register = 4, Named = true },
            P("child_tidptr", CloneChildTid) with { Register = 3, Named = true });
        Add("clone3", P("cl_args", CloneArgs, 1), P("size", UInt));
        Add("fork");
        Add("vfork");
        Add("execve", P("pathname", PathIn), P("argv", Argv), P("envp", Envp));
        Add("execveat", P("dirfd", DirFd), P("pathname", PathIn), P("argv", Argv), P("envp", Envp), P("flags", AtFlags));
        Add("exit", P("status", Int));
        Add("exit_group", P("status", Int));
        Add("wait4", P("pid", Int), P("wstatus", WaitStatusOut), P("options", WaitOptions), P("rusage", RusageOut));
        Add("waitid", P("idtype", IdType), P("id", Int), P("infop", SiginfoOut), P("options", WaitOptions), P("rusage", RusageOut));
        Add("getpid");
        Add("getppid");
        Add("gettid");
        Add("getuid");
        Add("geteuid");
        Add("getgid");
        Add("getegid");
        Add("getpgrp");
        Add("setsid");
        Add("sched_yield");
        Add("pause");
        Add("setuid", P("uid", Int));
        Add("setgid", P("gid", Int));
        Add("setreuid", P("ruid", Int), P("euid", Int));
        Add("setregid", P("rgid", Int), P("egid", Int));
        Add("setresuid", P("ruid", Int), P("euid", Int), P("suid", Int));
        Add("setresgid", P("rgid", Int), P("egid", Int), P("sgid", Int));
        Add("setpgid", P("pid", Int), P("pgid", Int));
        Add("getpgid", P("pid", Int));
        Add("getsid", P("pid", Int));
        Add("getgroups", P("size", Int), P("list", GroupsOut, 0));
        Add("setgroups", P("size", Int), P("list", GroupsIn, 0));
        Add("set_tid_address", P("tidptr", Pointer));
        Add("set_robust_list", P("head", Pointer), P("len", UInt));
        Add("prlimit64", P("pid", Int), P("resource", Resource), P("new_limit", RlimitIn), P("old_limit", RlimitOut));
        Add("getrlimit", P("resource", Resource), P("rlim", RlimitOut));
        Add("setrlimit", P("resource", Resource), P("rlim", RlimitIn));
        Add("getrusage", P("who", RusageWho), P("usage", RusageOut));
        Add("prctl", P("option", PrctlOption), P("arg2", PrctlArgument), P("arg3", PrctlArgument), P("arg4", PrctlArgument), P("arg5", PrctlArgument));
        Add("arch_prctl", P("code", ArchPrctlCode), P("addr", ArchPrctlAddress));
        Add("personality", P("persona", Personality));
        Add("uname", P("buf", UtsnameOut));
        Add("sysinfo", P("info", SysinfoOut));
        Add("rseq", P("rseq", Pointer), P("rseq_len", Hex), P("flags", Hex), P("sig", Hex));
        Add("getrandom", P("buf", HexBufferOut), P("buflen", UInt), P("flags", GetrandomFlags));
        Add("sched_getaffinity", P("pid", Int), P("cpusetsize", UInt), P("mask", CpuSetOut));
        Add("sched_setaffinity", P("pid", Int), P("cpusetsize", UInt), P("mask", CpuSetIn, 1));
        Add("getpriority", P("which", PriorityWhich), P("who", Int));
        Add("setpriority", P("which", PriorityWhich), P("who", Int), P("prio", Int));
        Add("getcpu", P("cpu", IntOut), P("node", IntOut), P("tcache", Pointer));
        Add("pidfd_open", P("pid", Int), P("flags", Hex));
        Add("pidfd_send_signal", P("pidfd", Fd), P("sig", Signal), P("info", SiginfoIn), P("flags", Hex));
        Add("unshare", P("flags", CloneFlags));
        Add("setns", P("fd", Fd), P("nstype", CloneFlags));

        // Signals.
        Add("kill", P("pid", Int), P("sig", Signal));
        Add("tkill", P("tid", Int), P("sig", Signal));
        Add("tgkill", P("tgid", Int), P("tid", Int), P("sig", Signal));
        Add("rt_sigaction", P("signum", Signal), P("act", SigactionIn), P("oldact", SigactionOut), P("sigsetsize", UInt));
        Add("rt_sigprocmask", P("how", SigmaskHow), P("set", SigsetIn), P("oldset", SigsetOut), P("sigsetsize", UInt));
        Add("rt_sigreturn");
        Add("rt_sigsuspend", P("mask", SigsetIn), P("sigsetsize", UInt));
        Add("rt_sigpending", P("set", SigsetOut), P("sigsetsize", UInt));
        Add("rt_sigtimedwait", P("set", SigsetIn), P("info", SiginfoOut), P("timeout", TimespecIn), P("sigsetsize", UInt));
        Add("rt_sigqueueinfo", P("tgid", Int), P("sig", Signal), P("info", SiginfoIn));
        Add("rt_tgsigqueueinfo", P("tgid", Int), P("tid", Int), P("sig", Signal), P("info", SiginfoIn));
        Add("sigaltstack", P("ss", StackIn), P("old_ss", StackOut));
        Add("alarm", P("seconds", UInt));
        Add("signalfd4", P("fd", Fd), P("mask", SigsetIn), P("sizemask", UInt), P("flags", SignalfdFlags));

        // Waiting: futexes, poll, epoll, select, sleeps, timers and clocks.
        Add("futex", P("uaddr", Pointer), P("futex_op", FutexOp), P("val", Int), P("timeout", FutexTimeout, 1), P("uaddr2", FutexUaddr2, 1), P("val3", FutexVal3, 1));
        Add("poll", P("fds", PollFds, 1), P("nfds", UInt), P("timeout", Int));
        Add("ppoll", P("fds", PollFds, 1), P("nfds", UInt), P("tmo_p", TimespecIn), P("sigmask", SigsetIn), P("sigsetsize", UInt));
        Add("select", P("nfds", Int), P("readfds", FdSet, 0), P("writefds", FdSet, 0), P("exceptfds", FdSet, 0), P("timeout", SelectTimeval));
        Add("pselect6", P("nfds", Int), P("readfds", FdSet, 0), P("writefds", FdSet, 0), P("exceptfds", FdSet, 0), P("timeout", TimespecIn), P("sigmask", Pselect6Sigmask));
        Add("epoll_create", P("size", Int));
        Add("epoll_create1", P("flags", EpollFlags));
        Add("epoll_ctl", P("epfd", Fd), P("op", EpollOp), P("fd", Fd), P("event", EpollEventIn, 1));
        Add("epoll_wait", P("epfd", Fd), P("events", EpollEventsOut), P("maxevents", Int), P("timeout", Int));
        Add("epoll_pwait", P("epfd", Fd), P("events", EpollEventsOut), P("maxevents", Int), P("timeout", Int), P("sigmask", SigsetIn), P("sigsetsize", UInt));
        Add("epoll_pwait2", P("epfd", Fd), P("events", EpollEventsOut), P("maxevents", Int), P("timeout", TimespecIn), P("sigmask", SigsetIn), P("sigsetsize", UInt));
        Add("eventfd", P("initval", UInt));
        Add("eventfd2", P("initval", UInt), P("flags", EventfdFlags));
        Add("timerfd_create", P("clockid", ClockId), P("flags", TimerfdFlags));
        Add("timerfd_settime", P("fd", Fd), P("flags", TimerfdSettimeFlags), P("new_value", ItimerspecIn), P("old_value", ItimerspecOut));
        Add("timerfd_gettime", P("fd", Fd), P("curr_value", ItimerspecOut));
        Add("nanosleep", P("req", TimespecIn), P("rem", RemainOut));
        Add("clock_nanosleep", P("clockid", ClockId), P("flags", TimerFlags), P("request", TimespecIn), P("remain", RemainOut));
        Add("clock_gettime", P("clockid", ClockId), P("tp", TimespecOut));
        Add("clock_getres", P("clockid", ClockId), P("res", TimespecOut));
        Add("gettimeofday", P("tv", TimevalOut), P("tz", Pointer));
        Add("setitimer", P("which", ItimerWhich), P("new_value", ItimervalIn), P("old_value", ItimervalOut));
        Add("getitimer", P("which", ItimerWhich), P("curr_value", ItimervalOut));
        Add("timer_create", P("clockid", ClockId), P("sevp", SigeventIn), P("timerid", IntOut));
        Add("timer_settime", P("timerid", Int), P("flags", TimerFlags), P("new_value", ItimerspecIn), P("old_value", ItimerspecOut));
        Add("timer_gettime", P("timerid", Int), P("curr_value", ItimerspecOut));
        Add("timer_getoverrun", P("timerid", Int));
        Add("timer_delete", P("timerid", Int));

        // Names only (raw hex values).
        Raw("shmget", "key", "size", "shmflg");
        Raw("shmat", "shmid", "shmaddr", "shmflg");
        Raw("shmdt", "shmaddr");
        Raw("shmctl", "shmid", "cmd", "buf");
        Raw("ptrace", "request", "pid", "addr", "data");
        Raw("io_uring_setup", "entries", "p");
        Raw("io_uring_enter", "fd", "to_submit", "min_complete", "flags", "sig", "sz");
        Raw("io_uring_register", "fd", "opcode", "arg", "nr_args");
        Raw("mount", "source", "target", "filesystemtype", "mountflags", "data");
        Raw("umount2", "target", "flags");
        Raw("membarrier", "cmd", "flags", "cpu_id");
        Raw("futex_waitv", "waiters", "nr_futexes", "flags", "timeout", "clockid");
        Raw("process_vm_readv", "pid", "local_iov", "liovcnt", "remote_iov", "riovcnt", "flags");
        Raw("process_vm_writev", "pid", "local_iov", "liovcnt", "remote_iov", "riovcnt", "flags");
        Raw("get_robust_list", "pid", "head_ptr", "len_ptr");
        Raw("vmsplice", "fd", "iov", "nr_segs", "flags");
        Raw("capget", "hdrp", "datap");
        Raw("capset", "hdrp", "datap");
        Raw("seccomp", "operation", "flags", "args");
        Raw("bpf", "cmd", "attr", "size");
        Raw("perf_event_open", "attr", "pid", "cpu", "group_fd", "flags");
        Raw("sched_setscheduler", "pid", "policy", "param");
        Raw("sched_getscheduler", "pid");
        Raw("sched_setattr", "pid", "attr", "flags");
        Raw("sched_getattr", "pid", "attr", "size", "flags");
        Raw("mbind", "addr", "len", "mode", "nodemask", "maxnode", "flags");
        Raw("set_mempolicy", "mode", "nodemask", "maxnode");
        Raw("get_mempolicy", "mode", "nodemask", "maxnode", "addr", "flags");
        return table;
    }
}
