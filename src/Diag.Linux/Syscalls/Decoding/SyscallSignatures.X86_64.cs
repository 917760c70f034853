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
        Add("readv", P("fd", Fd), P("iov", Pointer), P("iovcnt", Int));
        Add("writev", P("fd", Fd), P("iov", Pointer), P("iovcnt", Int));
        Add("preadv", P("fd", Fd), P("iov", Pointer), P("iovcnt", Int), P("offset", Long));
        Add("pwritev", P("fd", Fd), P("iov", Pointer), P("iovcnt", Int), P("offset", Long));
        Add("open", P("pathname", PathIn), P("flags", OpenFlags), P("mode", OpenMode, 1));
        Add("openat", P("dirfd", DirFd), P("pathname", PathIn), P("flags", OpenFlags), P("mode", OpenMode, 2));
        Add("openat2", P("dirfd", DirFd), P("pathname", PathIn), P("how", OpenHow), P("size", UInt));
        Add("creat", P("pathname", PathIn), P("mode", Mode));
        Add("close", P("fd", Fd));
        Add("close_range", P("first", UInt), P("last", UInt), P("flags", Hex));
        Add("lseek", P("fd", Fd), P("offset", Long), P("whence", SeekWhence));
        Add("stat", P("pathname", PathIn), P("statbuf", Pointer));
        Add("lstat", P("pathname", PathIn), P("statbuf", Pointer));
        Add("fstat", P("fd", Fd), P("statbuf", Pointer));
        Add("newfstatat", P("dirfd", DirFd), P("pathname", PathIn), P("statbuf", Pointer), P("flags", AtFlags));
        Add("statx", P("dirfd", DirFd), P("pathname", PathIn), P("flags", AtFlags), P("mask", Hex), P("statxbuf", Pointer));
        Add("statfs", P("path", PathIn), P("buf", Pointer));
        Add("fstatfs", P("fd", Fd), P("buf", Pointer));
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
        Add("link", P("oldpath", PathIn), P("newpath", PathIn));
        Add("linkat", P("olddirfd", DirFd), P("oldpath", PathIn), P("newdirfd", DirFd), P("newpath", PathIn), P("flags", AtFlags));
        Add("symlink", P("target", PathIn), P("linkpath", PathIn));
        Add("symlinkat", P("target", PathIn), P("newdirfd", DirFd), P("linkpath", PathIn));
        Add("chmod", P("pathname", PathIn), P("mode", Mode));
        Add("fchmod", P("fd", Fd), P("mode", Mode));
        Add("fchmodat", P("dirfd", DirFd), P("pathname", PathIn), P("mode", Mode));
        Add("chown", P("pathname", PathIn), P("owner", Int), P("group", Int));
        Add("lchown", P("pathname", PathIn), P("owner", Int), P("group", Int));
        Add("fchown", P("fd", Fd), P("owner", Int), P("group", Int));
        Add("fchownat", P("dirfd", DirFd), P("pathname", PathIn), P("owner", Int), P("group", Int), P("flags", AtFlags));
        Add("truncate", P("path", PathIn), P("length", Long));
        Add("ftruncate", P("fd", Fd), P("length", Long));
        Add("chdir", P("path", PathIn));
        Add("fchdir", P("fd", Fd));
        Add("chroot", P("path", PathIn));
        Add("getcwd", P("buf", PathOut), P("size", UInt));
        Add("getdents64", P("fd", Fd), P("dirp", Pointer), P("count", UInt));
        Add("getdents", P("fd", Fd), P("dirp", Pointer), P("count", UInt));
        Add("fsync", P("fd", Fd));
        Add("fdatasync", P("fd", Fd));
        Add("flock", P("fd", Fd), P("operation", Int));
        Add("dup", P("oldfd", Fd));
        Add("dup2", P("oldfd", Fd), P("newfd", Fd));
        Add("dup3", P("oldfd", Fd), P("newfd", Fd), P("flags", CloexecFlags));
        Add("fcntl", P("fd", Fd), P("cmd", FcntlCommand), P("arg", FcntlArgument, 1));
        Add("ioctl", P("fd", Fd), P("request", Hex), P("argp", Hex));
        Add("pipe", P("pipefd", FdPairOut));
        Add("pipe2", P("pipefd", FdPairOut), P("flags", Pipe2Flags));
        Add("umask", P("mask", Mode));
        Add("sendfile", P("out_fd", Fd), P("in_fd", Fd), P("offset", Pointer), P("count", UInt));
        Add("copy_file_range", P("fd_in", Fd), P("off_in", Pointer), P("fd_out", Fd), P("off_out", Pointer), P("len", UInt), P("flags", Hex));
        Add("fadvise64", P("fd", Fd), P("offset", Long), P("len", Long), P("advice", Int));
        Add("fallocate", P("fd", Fd), P("mode", Hex), P("offset", Long), P("len", Long));
        Add("inotify_add_watch", P("fd", Fd), P("pathname", PathIn), P("mask", Hex));
        Add("getxattr", P("path", PathIn), P("name", StringIn), P("value", Pointer), P("size", UInt));
        Add("lgetxattr", P("path", PathIn), P("name", StringIn), P("value", Pointer), P("size", UInt));
        Add("fgetxattr", P("fd", Fd), P("name", StringIn), P("value", Pointer), P("size", UInt));

        // Memory.
        Add("mmap", P("addr", Pointer), P("length", UInt), P("prot", Protection), P("flags", MapFlags), P("fd", Fd), P("offset", Hex));
        Add("munmap", P("addr", Pointer), P("length", UInt));
        Add("mprotect", P("addr", Pointer), P("len", UInt), P("prot", Protection));
        Add("pkey_mprotect", P("addr", Pointer), P("len", UInt), P("prot", Protection), P("pkey", Int));
        Add("mremap", P("old_address", Pointer), P("old_size", UInt), P("new_size", UInt), P("flags", RemapFlags), P("new_address", Pointer));
        Add("brk", P("addr", Pointer));
        Add("madvise", P("addr", Pointer), P("length", UInt), P("advice", Advice));
        Add("msync", P("addr", Pointer), P("length", UInt), P("flags", Hex));
        Add("mincore", P("addr", Pointer), P("length", UInt), P("vec", Pointer));
        Add("mlock", P("addr", Pointer), P("len", UInt));
        Add("munlock", P("addr", Pointer), P("len", UInt));
        Add("mlockall", P("flags", Hex));
        Add("munlockall");
        Add("memfd_create", P("name", StringIn), P("flags", Hex));

        // Network.
        Add("socket", P("domain", AddressFamily), P("type", SocketType), P("protocol", SocketProtocol, 0));
        Add("socketpair", P("domain", AddressFamily), P("type", SocketType), P("protocol", SocketProtocol, 0), P("sv", FdPairOut));
        Add("connect", P("sockfd", Fd), P("addr", SockaddrIn, 2), P("addrlen", UInt));
        Add("bind", P("sockfd", Fd), P("addr", SockaddrIn, 2), P("addrlen", UInt));
        Add("accept", P("sockfd", Fd), P("addr", SockaddrOut, 2), P("addrlen", IntPointer));
        Add("accept4", P("sockfd", Fd), P("addr", SockaddrOut, 2), P("addrlen", IntPointer), P("flags", SocketFlags));
        Add("getsockname", P("sockfd", Fd), P("addr", SockaddrOut, 2), P("addrlen", IntPointer));
        Add("getpeername", P("sockfd", Fd), P("addr", SockaddrOut, 2), P("addrlen", IntPointer));
        Add("listen", P("sockfd", Fd), P("backlog", Int));
        Add("shutdown", P("sockfd", Fd), P("how", ShutdownHow));
        Add("sendto", P("sockfd", Fd), P("buf", BufferIn, 2), P("len", UInt), P("flags", MessageFlags), P("dest_addr", SockaddrIn, 5), P("addrlen", UInt));
        Add("recvfrom", P("sockfd", Fd), P("buf", BufferOut), P("len", UInt), P("flags", MessageFlags), P("src_addr", SockaddrOut, 5), P("addrlen", IntPointer));
        Add("sendmsg", P("sockfd", Fd), P("msg", Pointer), P("flags", MessageFlags));
        Add("recvmsg", P("sockfd", Fd), P("msg", Pointer), P("flags", MessageFlags));
        Add("sendmmsg", P("sockfd", Fd), P("msgvec", Pointer), P("vlen", UInt), P("flags", MessageFlags));
        Add("recvmmsg", P("sockfd", Fd), P("msgvec", Pointer), P("vlen", UInt), P("flags", MessageFlags), P("timeout", TimespecIn));
        Add("setsockopt", P("sockfd", Fd), P("level", SocketLevel), P("optname", SocketOption, 1), P("optval", SocketOptionValueIn, 4), P("optlen", UInt));
        Add("getsockopt", P("sockfd", Fd), P("level", SocketLevel), P("optname", SocketOption, 1), P("optval", SocketOptionValueOut, 4), P("optlen", IntPointer));

        // Processes.
        Add("clone", P("flags", CloneFlags), P("stack", Pointer), P("parent_tid", Pointer), P("child_tid", Pointer), P("tls", Hex));
        Add("clone3", P("cl_args", CloneArgs, 1), P("size", UInt));
        Add("fork");
        Add("vfork");
        Add("execve", P("pathname", PathIn), P("argv", Argv), P("envp", Envp));
        Add("execveat", P("dirfd", DirFd), P("pathname", PathIn), P("argv", Argv), P("envp", Envp), P("flags", AtFlags));
        Add("exit", P("status", Int));
        Add("exit_group", P("status", Int));
        Add("wait4", P("pid", Int), P("wstatus", WaitStatusOut), P("options", WaitOptions), P("rusage", Pointer));
        Add("waitid", P("idtype", Int), P("id", Int), P("infop", Pointer), P("options", WaitOptions), P("rusage", Pointer));
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
        Add("set_tid_address", P("tidptr", Pointer));
        Add("set_robust_list", P("head", Pointer), P("len", UInt));
        Add("prlimit64", P("pid", Int), P("resource", Int), P("new_limit", Pointer), P("old_limit", Pointer));
        Add("prctl", P("option", Int), P("arg2", Hex), P("arg3", Hex), P("arg4", Hex), P("arg5", Hex));
        Add("arch_prctl", P("code", Hex), P("addr", Hex));
        Add("rseq", P("rseq", Pointer), P("rseq_len", UInt), P("flags", Hex), P("sig", Hex));
        Add("getrandom", P("buf", Pointer), P("buflen", UInt), P("flags", Hex));
        Add("sched_getaffinity", P("pid", Int), P("cpusetsize", UInt), P("mask", Pointer));
        Add("sched_setaffinity", P("pid", Int), P("cpusetsize", UInt), P("mask", Pointer));
        Add("pidfd_open", P("pid", Int), P("flags", Hex));
        Add("pidfd_send_signal", P("pidfd", Fd), P("sig", Signal), P("info", Pointer), P("flags", Hex));

        // Signals.
        Add("kill", P("pid", Int), P("sig", Signal));
        Add("tkill", P("tid", Int), P("sig", Signal));
        Add("tgkill", P("tgid", Int), P("tid", Int), P("sig", Signal));
        Add("rt_sigaction", P("signum", Signal), P("act", Pointer), P("oldact", Pointer), P("sigsetsize", UInt));
        Add("rt_sigprocmask", P("how", SigmaskHow), P("set", SigsetIn), P("oldset", SigsetOut), P("sigsetsize", UInt));
        Add("rt_sigreturn");
        Add("rt_sigsuspend", P("mask", SigsetIn), P("sigsetsize", UInt));
        Add("rt_sigpending", P("set", SigsetOut), P("sigsetsize", UInt));
        Add("rt_sigtimedwait", P("set", SigsetIn), P("info", Pointer), P("timeout", TimespecIn), P("sigsetsize", UInt));
        Add("sigaltstack", P("ss", Pointer), P("old_ss", Pointer));
        Add("alarm", P("seconds", UInt));

        // Waiting: futexes, poll, epoll, select, sleeps and clocks.
        Add("futex", P("uaddr", Pointer), P("futex_op", FutexOp), P("val", Int), P("timeout", FutexTimeout, 1), P("uaddr2", FutexUaddr2, 1), P("val3", FutexVal3, 1));
        Add("poll", P("fds", Pointer), P("nfds", UInt), P("timeout", Int));
        Add("ppoll", P("fds", Pointer), P("nfds", UInt), P("tmo_p", TimespecIn), P("sigmask", SigsetIn), P("sigsetsize", UInt));
        Add("select", P("nfds", Int), P("readfds", Pointer), P("writefds", Pointer), P("exceptfds", Pointer), P("timeout", Pointer));
        Add("pselect6", P("nfds", Int), P("readfds", Pointer), P("writefds", Pointer), P("exceptfds", Pointer), P("timeout", TimespecIn), P("sigmask", Pointer));
        Add("epoll_create", P("size", Int));
        Add("epoll_create1", P("flags", EpollFlags));
        Add("epoll_ctl", P("epfd", Fd), P("op", EpollOp), P("fd", Fd), P("event", Pointer));
        Add("epoll_wait", P("epfd", Fd), P("events", Pointer), P("maxevents", Int), P("timeout", Int));
        Add("epoll_pwait", P("epfd", Fd), P("events", Pointer), P("maxevents", Int), P("timeout", Int), P("sigmask", SigsetIn), P("sigsetsize", UInt));
        Add("epoll_pwait2", P("epfd", Fd), P("events", Pointer), P("maxevents", Int), P("timeout", TimespecIn), P("sigmask", SigsetIn), P("sigsetsize", UInt));
        Add("eventfd2", P("initval", UInt), P("flags", Hex));
        Add("timerfd_create", P("clockid", ClockId), P("flags", Hex));
        Add("nanosleep", P("req", TimespecIn), P("rem", Pointer));
        Add("clock_nanosleep", P("clockid", ClockId), P("flags", TimerFlags), P("request", TimespecIn), P("remain", Pointer));
        Add("clock_gettime", P("clockid", ClockId), P("tp", Pointer));
        Add("clock_getres", P("clockid", ClockId), P("res", Pointer));
        Add("gettimeofday", P("tv", Pointer), P("tz", Pointer));

        // Names only (raw hex values).
        Raw("shmget", "key", "size", "shmflg");
        Raw("shmat", "shmid", "shmaddr", "shmflg");
        Raw("shmdt", "shmaddr");
        Raw("shmctl", "shmid", "cmd", "buf");
        Raw("uname", "buf");
        Raw("getrlimit", "resource", "rlim");
        Raw("setrlimit", "resource", "rlim");
        Raw("getrusage", "who", "usage");
        Raw("sysinfo", "info");
        Raw("ptrace", "request", "pid", "addr", "data");
        Raw("setuid", "uid");
        Raw("setgid", "gid");
        Raw("setpgid", "pid", "pgid");
        Raw("getpgid", "pid");
        Raw("getsid", "pid");
        Raw("setitimer", "which", "new_value", "old_value");
        Raw("getitimer", "which", "curr_value");
        Raw("io_uring_setup", "entries", "p");
        Raw("io_uring_enter", "fd", "to_submit", "min_complete", "flags", "sig", "sz");
        Raw("io_uring_register", "fd", "opcode", "arg", "nr_args");
        Raw("mount", "source", "target", "filesystemtype", "mountflags", "data");
        Raw("umount2", "target", "flags");
        Raw("unshare", "flags");
        Raw("setns", "fd", "nstype");
        Raw("membarrier", "cmd", "flags", "cpu_id");
        Raw("futex_waitv", "waiters", "nr_futexes", "flags", "timeout", "clockid");
        Raw("process_vm_readv", "pid", "local_iov", "liovcnt", "remote_iov", "riovcnt", "flags");
        Raw("process_vm_writev", "pid", "local_iov", "liovcnt", "remote_iov", "riovcnt", "flags");
        Raw("get_robust_list", "pid", "head_ptr", "len_ptr");
        Raw("timer_create", "clockid", "sevp", "timerid");
        Raw("timer_settime", "timerid", "flags", "new_value", "old_value");
        Raw("timer_gettime", "timerid", "curr_value");
        Raw("timer_delete", "timerid");
        Raw("timerfd_settime", "fd", "flags", "new_value", "old_value");
        Raw("timerfd_gettime", "fd", "curr_value");
        Raw("signalfd4", "fd", "mask", "sizemask", "flags");
        Raw("eventfd", "initval");
        Raw("inotify_init1", "flags");
        Raw("inotify_rm_watch", "fd", "wd");
        Raw("splice", "fd_in", "off_in", "fd_out", "off_out", "len", "flags");
        Raw("tee", "fd_in", "fd_out", "len", "flags");
        Raw("vmsplice", "fd", "iov", "nr_segs", "flags");
        Raw("utimensat", "dirfd", "pathname", "times", "flags");
        Raw("capget", "hdrp", "datap");
        Raw("capset", "hdrp", "datap");
        Raw("seccomp", "operation", "flags", "args");
        Raw("bpf", "cmd", "attr", "size");
        Raw("perf_event_open", "attr", "pid", "cpu", "group_fd", "flags");
        Raw("setpriority", "which", "who", "prio");
        Raw("getpriority", "which", "who");
        Raw("sched_setscheduler", "pid", "policy", "param");
        Raw("sched_getscheduler", "pid");
        Raw("sched_setattr", "pid", "attr", "flags");
        Raw("sched_getattr", "pid", "attr", "size", "flags");
        Raw("getcpu", "cpu", "node", "tcache");
        Raw("sync_file_range", "fd", "offset", "nbytes", "flags");
        Raw("syncfs", "fd");
        Raw("readahead", "fd", "offset", "count");
        Raw("mbind", "addr", "len", "mode", "nodemask", "maxnode", "flags");
        Raw("set_mempolicy", "mode", "nodemask", "maxnode");
        Raw("get_mempolicy", "mode", "nodemask", "maxnode", "addr", "flags");
        return table;
    }
}
