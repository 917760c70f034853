using System.Buffers.Binary;
using System.Text;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Tests.Syscalls;

public sealed class SyscallDecoderTests : IDisposable
{
    private const long Eagain = -11, Enoent = -2;
    private readonly PinnedTraceeMemory _memory = new();

    public void Dispose() => _memory.Dispose();

    private static int Nr(string name)
    {
        Assert.True(SyscallTable.TryGetNumber(name, out var n), name);
        return n;
    }

    private SyscallArgument[] Decode(string name, ulong[] args, long returnValue = 0, bool completed = true) =>
        SyscallDecoder.Decode(Nr(name), args, returnValue, completed, _memory);

    private string Text(string name, ulong[] args, long returnValue = 0, bool completed = true) =>
        SyscallDecoder.FormatArguments(Decode(name, args, returnValue, completed));

    [Fact]
    public void MmapOfAGlibcArenaReservationDecodesToFlagNames()
    {
        // What glibc's arena allocator asks for: 64 MiB, reserved and not committed.
        var decoded = Decode("mmap", new ulong[] { 0, 67108864, 0x1 | 0x2, 0x02 | 0x20 | 0x4000, unchecked((ulong)-1), 0 }, 0x7f5a2c000000);
        Assert.Equal("NULL, 67108864, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0",
            SyscallDecoder.FormatArguments(decoded));
        Assert.Equal(new[] { "addr", "length", "prot", "flags", "fd", "offset" }, decoded.Select(a => a.Name));
        Assert.Equal(67108864UL, decoded[1].RawValue);
        Assert.Equal("prot=PROT_READ|PROT_WRITE", decoded[2].ToString());
    }

    [Fact]
    public void MmapOfAFileShowsTheOffsetInHexAndMunmapMprotectDecode()
    {
        Assert.Equal("0x7f0000000000, 8192, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x2000",
            Text("mmap", new ulong[] { 0x7f0000000000, 8192, 0x1 | 0x4, 0x02 | 0x10 | 0x800, 3, 0x2000 }));
        Assert.Equal("0x7f0000000000, 4096, PROT_NONE", Text("mprotect", new ulong[] { 0x7f0000000000, 4096, 0 }));
        Assert.Equal("0x7f0000000000, 4096", Text("munmap", new ulong[] { 0x7f0000000000, 4096 }));
        Assert.Equal("NULL", Text("brk", new ulong[] { 0 }));
        Assert.Equal("0x7f0000000000, 4096, 8192, MREMAP_MAYMOVE, NULL",
            Text("mremap", new ulong[] { 0x7f0000000000, 4096, 8192, 1, 0 }));
        Assert.Equal("0x7f0000000000, 65536, MADV_DONTNEED", Text("madvise", new ulong[] { 0x7f0000000000, 65536, 4 }));
    }

    [Fact]
    public void ReturnValuesOfAddressCallsAreHex()
    {
        Assert.Equal("0x7f5a2c000000", SyscallDecoder.FormatReturnValue(Nr("mmap"), 0x7f5a2c000000));
        Assert.Equal("0x55d0c0a3b000", SyscallDecoder.FormatReturnValue(Nr("brk"), 0x55d0c0a3b000));
        Assert.Equal("-12", SyscallDecoder.FormatReturnValue(Nr("mmap"), -12));
        Assert.Equal("42", SyscallDecoder.FormatReturnValue(Nr("read"), 42));
        Assert.Equal("-2", SyscallDecoder.FormatReturnValue(Nr("openat"), Enoent));
    }

    [Fact]
    public void OpenatShowsDirfdPathAndFlagsAndOnlyShowsModeWhenCreating()
    {
        var path = _memory.AddCString("/etc/passwd");
        var decoded = Decode("openat", new ulong[] { unchecked((ulong)-100), path, 0x80000, 0 }, 3);
        Assert.Equal("AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC", SyscallDecoder.FormatArguments(decoded));
        Assert.Equal(new[] { "dirfd", "pathname", "flags" }, decoded.Select(a => a.Name));

        var created = _memory.AddCString("/tmp/new");
        Assert.Equal("AT_FDCWD, \"/tmp/new\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644",
            Text("openat", new ulong[] { unchecked((ulong)-100), created, 0x1 | 0x40 | 0x200 | 0x80000, 0x1a4 }));
        Assert.Equal("\"/tmp/new\", O_RDWR|O_APPEND", Text("open", new ulong[] { created, 0x2 | 0x400, 0 }));
        Assert.Equal("\"/tmp/new\", 0600", Text("creat", new ulong[] { created, 0x180 }));
        Assert.Equal("5, \"/tmp/new\", O_RDONLY|O_DIRECTORY|O_NOFOLLOW", Text("openat", new ulong[] { 5, created, 0x10000 | 0x20000, 0 }));
    }

    [Fact]
    public void Openat2ShowsTheOpenHowStruct()
    {
        var path = _memory.AddCString("/etc/hosts");
        var how = _memory.AddUInt64s(0x80000, 0, 0x8);
        Assert.Equal("AT_FDCWD, \"/etc/hosts\", {flags=O_RDONLY|O_CLOEXEC, mode=000, resolve=0x8}, 24",
            Text("openat2", new ulong[] { unchecked((ulong)-100), path, how, 24 }));
    }

    [Fact]
    public void FileCallsDecode()
    {
        var path = _memory.AddCString("/var/log");
        var other = _memory.AddCString("/var/log.old");
        Assert.Equal("\"/var/log\", R_OK|X_OK", Text("access", new ulong[] { path, 4 | 1 }));
        Assert.Equal("\"/var/log\", F_OK", Text("access", new ulong[] { path, 0 }));
        Assert.Equal("AT_FDCWD, \"/var/log\", W_OK", Text("faccessat", new ulong[] { unchecked((ulong)-100), path, 2 }));
        Assert.Equal("AT_FDCWD, \"/var/log\", AT_REMOVEDIR", Text("unlinkat", new ulong[] { unchecked((ulong)-100), path, 0x200 }));
        Assert.Equal("\"/var/log\", \"/var/log.old\"", Text("rename", new ulong[] { path, other }));
        Assert.Equal("AT_FDCWD, \"/var/log\", AT_FDCWD, \"/var/log.old\", RENAME_NOREPLACE",
            Text("renameat2", new ulong[] { unchecked((ulong)-100), path, unchecked((ulong)-100), other, 1 }));
        Assert.Equal("\"/var/log\", 0755", Text("mkdir", new ulong[] { path, 0x1ed }));
        Assert.Equal("\"/var/log\"", Text("chdir", new ulong[] { path }));
        Assert.Equal("3, -5, SEEK_END", Text("lseek", new ulong[] { 3, unchecked((ulong)-5), 2 }));
        Assert.Equal("AT_FDCWD, \"/var/log\", 0x7fff0000, AT_SYMLINK_NOFOLLOW",
            Text("newfstatat", new ulong[] { unchecked((ulong)-100), path, 0x7fff0000, 0x100 }));
        Assert.Equal("3, 0x7fff0000", Text("fstat", new ulong[] { 3, 0x7fff0000 }));
        Assert.Equal("7", Text("close", new ulong[] { 7 }));
        Assert.Equal("3, 10, O_CLOEXEC", Text("dup3", new ulong[] { 3, 10, 0x80000 }));
        Assert.Equal("3, TCGETS, 0x7ffd0000", Text("ioctl", new ulong[] { 3, 0x5401, 0x7ffd0000 }, -25));
    }

    [Fact]
    public void FcntlNamesTheCommandAndDecodesItsArgument()
    {
        Assert.Equal("3, F_SETFL, O_RDWR|O_NONBLOCK", Text("fcntl", new ulong[] { 3, 4, 0x2 | 0x800 }));
        Assert.Equal("3, F_GETFL", Text("fcntl", new ulong[] { 3, 3, 0 }, 0x8002));
        Assert.Equal("3, F_SETFD, FD_CLOEXEC", Text("fcntl", new ulong[] { 3, 2, 1 }));
        Assert.Equal("3, F_DUPFD_CLOEXEC, 10", Text("fcntl", new ulong[] { 3, 1030, 10 }));
    }

    [Fact]
    public void ReadBufferIsShownOnlyAfterSuccess()
    {
        var buffer = _memory.Add(Encoding.ASCII.GetBytes("hello, world\0\0\0\0"));
        Assert.Equal("3, \"hello\", 100", Text("read", new ulong[] { 3, buffer, 100 }, 5));
        var hex = "0x" + buffer.ToString("x");
        Assert.Equal($"3, {hex}, 100", Text("read", new ulong[] { 3, buffer, 100 }, Eagain));
        Assert.Equal($"3, {hex}, 100", Text("read", new ulong[] { 3, buffer, 100 }, 0, completed: false));
        Assert.Equal("3, \"\", 100", Text("read", new ulong[] { 3, buffer, 100 }, 0));
    }

    [Fact]
    public void WriteBufferIsShownAtEntryEscapedAndTruncatedLikeStrace()
    {
        var text = _memory.Add(new byte[] { (byte)'h', (byte)'i', (byte)'\n', (byte)'\t', (byte)'"', (byte)'\\', 0x01, 0xff, 0 });
        Assert.Equal("1, \"hi\\n\\t\\\"\\\\\\x01\\xff\\x00\", 9", Text("write", new ulong[] { 1, text, 9 }, 9));

        var forty = _memory.Add(Encoding.ASCII.GetBytes(new string('a', 32) + "bbbbbbbb"));
        Assert.Equal($"1, \"{new string('a', 32)}\"..., 40", Text("write", new ulong[] { 1, forty, 40 }, 40));
        Assert.Equal($"1, \"{new string('a', 32)}\", 32", Text("write", new ulong[] { 1, forty, 32 }, 32));
    }

    [Fact]
    public void PathsArePrintedWholeAndBadPointersAsAddresses()
    {
        var longPath = "/" + string.Join("/", Enumerable.Repeat("directory", 10));
        var path = _memory.AddCString(longPath);
        Assert.Equal($"\"{longPath}\"", Text("unlink", new ulong[] { path }));
        Assert.Equal("NULL", Text("unlink", new ulong[] { 0 }));
        Assert.Equal("0xdead0000", Text("unlink", new ulong[] { PinnedTraceeMemory.Unmapped }));

        // A string running into unreadable memory shows what could be read.
        var unterminated = _memory.Add(Encoding.ASCII.GetBytes("abc"));
        Assert.Equal("\"abc\"...", Text("unlink", new ulong[] { unterminated }));
    }

    [Fact]
    public void GetcwdAndReadlinkShowTheirOutputAfterSuccess()
    {
        var cwd = _memory.AddCString("/root");
        Assert.Equal("\"/root\", 4096", Text("getcwd", new ulong[] { cwd, 4096 }, 6));
        Assert.Equal("0x" + cwd.ToString("x") + ", 4096", Text("getcwd", new ulong[] { cwd, 4096 }, -34));

        var link = _memory.AddCString("/proc/self/exe");
        var target = _memory.Add(Encoding.ASCII.GetBytes("/usr/bin/dotnetXXXXXXXX"));
        Assert.Equal("\"/proc/self/exe\", \"/usr/bin/dotnet\", 4096", Text("readlink", new ulong[] { link, target, 4096 }, 15));
    }

    [Fact]
    public void PipeShowsTheDescriptorPairAfterSuccess()
    {
        var fds = _memory.AddInt32s(3, 4);
        Assert.Equal("[3, 4], O_NONBLOCK|O_CLOEXEC", Text("pipe2", new ulong[] { fds, 0x800 | 0x80000 }, 0));
        Assert.Equal("[3, 4]", Text("pipe", new ulong[] { fds }, 0));
        Assert.Equal("0x" + fds.ToString("x"), Text("pipe", new ulong[] { fds }, -24));
    }

    [Fact]
    public void SocketDecodesFamilyTypeFlagsAndProtocol()
    {
        Assert.Equal("AF_INET, SOCK_DGRAM|SOCK_NONBLOCK, IPPROTO_IP", Text("socket", new ulong[] { 2, 2 | 0x800, 0 }, 3));
        Assert.Equal("AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP", Text("socket", new ulong[] { 10, 1 | 0x80000, 6 }, 3));
        Assert.Equal("AF_UNIX, SOCK_SEQPACKET, 0", Text("socket", new ulong[] { 1, 5, 0 }, 3));
        Assert.Equal("AF_NETLINK, SOCK_RAW, NETLINK_ROUTE", Text("socket", new ulong[] { 16, 3, 0 }, 3));
        Assert.Equal("AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT", Text("socket", new ulong[] { 16, 3 | 0x80000, 15 }, 3));
    }

    [Fact]
    public void SockaddrsPrintAsAddresses()
    {
        var inet = _memory.Add(Sockaddr(2, 53, new byte[] { 127, 0, 0, 1 }));
        Assert.Equal("3, 127.0.0.1:53, 16", Text("connect", new ulong[] { 3, inet, 16 }));

        var inet6 = new byte[28];
        BinaryPrimitives.WriteUInt16LittleEndian(inet6, 10);
        BinaryPrimitives.WriteUInt16BigEndian(inet6.AsSpan(2), 8080);
        inet6[23] = 1; // ::1
        Assert.Equal("3, [::1]:8080, 28", Text("bind", new ulong[] { 3, _memory.Add(inet6), 28 }));

        var unix = Encoding.ASCII.GetBytes("\u0001\0/run/diag.sock\0");
        Assert.Equal("3, \"/run/diag.sock\", 17", Text("connect", new ulong[] { 3, _memory.Add(unix), 17 }));
        var abstractName = Encoding.ASCII.GetBytes("\u0001\0\0diag");
        Assert.Equal("3, \"@diag\", 7", Text("connect", new ulong[] { 3, _memory.Add(abstractName), 7 }));

        var netlink = new byte[12];
        netlink[0] = 16;
        Assert.Equal("3, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12", Text("bind", new ulong[] { 3, _memory.Add(netlink), 12 }));
        var unnamed = new byte[] { 1, 0 };
        Assert.Equal("3, {sa_family=AF_UNIX}, 2", Text("bind", new ulong[] { 3, _memory.Add(unnamed), 2 }));
        Assert.Equal("3, 0xdead0000, 16", Text("connect", new ulong[] { 3, PinnedTraceeMemory.Unmapped, 16 }));
    }

    [Fact]
    public void RecvfromShowsDataAndPeerOnlyAfterSuccess()
    {
        var data = _memory.Add(Encoding.ASCII.GetBytes("pong\0\0\0\0"));
        var peer = _memory.Add(Sockaddr(2, 5060, new byte[] { 10, 0, 0, 7 }));
        var length = _memory.AddInt32s(16);
        var args = new ulong[] { 5, data, 1500, 0x40, peer, length };
        Assert.Equal("5, \"pong\", 1500, MSG_DONTWAIT, 10.0.0.7:5060, [16]", Text("recvfrom", args, 4));

        var hex = (ulong a) => "0x" + a.ToString("x");
        // The seed's spinner: EAGAIN again and again; nothing was received, so nothing is shown.
        Assert.Equal($"5, {hex(data)}, 1500, MSG_DONTWAIT, {hex(peer)}, [16]", Text("recvfrom", args, Eagain));
        Assert.Equal("5, \"pong\", 4, MSG_NOSIGNAL, NULL, 0", Text("sendto", new ulong[] { 5, data, 4, 0x4000, 0, 0 }, 4));
        Assert.Equal("5, 0x7ffd0000, MSG_CMSG_CLOEXEC", Text("recvmsg", new ulong[] { 5, 0x7ffd0000, 0x40000000 }, 10));
    }

    [Fact]
    public void AcceptShowsThePeerAfterSuccess()
    {
        var peer = _memory.Add(Sockaddr(2, 40000, new byte[] { 192, 168, 1, 9 }));
        var length = _memory.AddInt32s(16);
        Assert.Equal("3, 192.168.1.9:40000, [16], SOCK_CLOEXEC", Text("accept4", new ulong[] { 3, peer, length, 0x80000 }, 7));
        Assert.Equal("3, NULL, NULL", Text("accept", new ulong[] { 3, 0, 0 }, 7));
        Assert.Equal("3, SHUT_WR", Text("shutdown", new ulong[] { 3, 1 }));
        Assert.Equal("3, 128", Text("listen", new ulong[] { 3, 128 }));
    }

    [Fact]
    public void SocketOptionsNameLevelAndOption()
    {
        var one = _memory.AddInt32s(1);
        Assert.Equal("3, SOL_TCP, TCP_NODELAY, [1], 4", Text("setsockopt", new ulong[] { 3, 6, 1, one, 4 }));
        Assert.Equal("3, SOL_SOCKET, SO_REUSEADDR, [1], 4", Text("setsockopt", new ulong[] { 3, 1, 2, one, 4 }));
        var value = _memory.AddInt32s(0);
        var length = _memory.AddInt32s(4);
        Assert.Equal("3, SOL_SOCKET, SO_ERROR, [0], [4]", Text("getsockopt", new ulong[] { 3, 1, 4, value, length }, 0));
    }

    [Fact]
    public void FutexNamesTheOperationAndShowsOnlyTheArgumentsItUses()
    {
        var decoded = Decode("futex", new ulong[] { 0x7f0000001000, 0 | 128, 2, 0, 0, 0 }, 0, completed: false);
        Assert.Equal("0x7f0000001000, FUTEX_WAIT_PRIVATE, 2, NULL", SyscallDecoder.FormatArguments(decoded));
        Assert.Equal(new[] { "uaddr", "futex_op", "val", "timeout" }, decoded.Select(a => a.Name));

        // pthread_join's wait, as strace shows it.
        var timeout = _memory.AddUInt64s(1, 500);
        Assert.Equal("0x7f0000001000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=500}, FUTEX_BITSET_MATCH_ANY",
            Text("futex", new ulong[] { 0x7f0000001000, 9 | 128 | 256, 0, timeout, 0, 0xffffffff }));
        Assert.Equal("0x7f0000001000, FUTEX_WAKE_PRIVATE, 1", Text("futex", new ulong[] { 0x7f0000001000, 1 | 128, 1, 0, 0, 0 }, 1));
        Assert.Equal("0x7f0000001000, FUTEX_WAKE, 2147483647", Text("futex", new ulong[] { 0x7f0000001000, 1, int.MaxValue, 0, 0, 0 }, 0));
        Assert.Equal("0x7f0000001000, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2147483647, 0x7f0000002000, 5",
            Text("futex", new ulong[] { 0x7f0000001000, 4 | 128, 1, int.MaxValue, 0x7f0000002000, 5 }, 1));
    }

    [Fact]
    public void CloneShowsItsArgumentsByNameAndOnlyThoseItsFlagsUse()
    {
        // glibc's pthread_create through clone(2): the kernel stores the new TID at parent_tid.
        const ulong thread = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000;
        var tid = _memory.AddInt32s(1234);
        Assert.Equal($"child_stack=0x7f0000ff0000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=[1234], tls=0x7f0000fff6c0, child_tidptr=0x{tid:x}",
            Text("clone", new ulong[] { thread, 0x7f0000ff0000, tid, tid, 0x7f0000fff6c0 }, 1234));
        // fork() as glibc does it, strace's own example.
        Assert.Equal("child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f0000000a10",
            Text("clone", new ulong[] { 0x200000 | 0x1000000 | 17, 0, 0, 0x7f0000000a10, 0 }, 1234));
        Assert.Equal("child_stack=NULL, flags=SIGCHLD", Text("clone", new ulong[] { 17, 0, 0, 0, 0 }, 1234));
        var decoded = Decode("clone", new ulong[] { 17, 0, 0, 0, 0 }, 1234);
        Assert.Equal(new[] { "child_stack", "flags" }, decoded.Select(a => a.Name));
        Assert.Equal(17UL, decoded[1].RawValue);
    }

    [Fact]
    public void Clone3ShowsItsArgumentsAndWhatTheKernelStoredForTheParent()
    {
        // glibc's pthread_create: CLONE_PARENT_SETTID makes the kernel write the TID at parent_tid.
        var tidSlot = _memory.AddInt32s(0, 0);
        var flags = 0x100UL | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000;
        var args = _memory.AddUInt64s(flags, 0, tidSlot, tidSlot, 0, 0x7f0000000000, 0x7fff80, 0x7f00007ff6c0, 0, 0, 0);
        var entry = SyscallDecoder.Enter(Nr("clone3"), new ulong[] { args, 88 }, _memory);
        _memory.WriteInt32(tidSlot, 4321); // what the kernel does during the call
        var call = SyscallDecoder.Exit(entry, 4321, completed: true, _memory);
        Assert.Equal($"{{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x{tidSlot:x}, parent_tid=0x{tidSlot:x}, exit_signal=0, stack=0x7f0000000000, stack_size=0x7fff80, tls=0x7f00007ff6c0}} => {{parent_tid=[4321]}}, 88",
            call.ArgumentText);

        var withPidfd = _memory.AddUInt64s(0x1000, 0x7ffd0010, 0, 0, 17, 0, 0, 0, 0, 0, 0);
        Assert.Equal("{flags=CLONE_PIDFD, pidfd=0x7ffd0010, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88",
            Text("clone3", new ulong[] { withPidfd, 88 }, -1));
        Assert.Equal("0xdead0000, 88", Text("clone3", new ulong[] { PinnedTraceeMemory.Unmapped, 88 }));
    }

    [Fact]
    public void ExecveShowsPathArgvAndAnEnvironmentCount()
    {
        var path = _memory.AddCString("/bin/ls");
        var argv = _memory.AddStringArray("ls", "-l", "/tmp dir");
        var envp = _memory.AddStringArray("HOME=/root", "PATH=/usr/bin");
        var decoded = Decode("execve", new ulong[] { path, argv, envp }, 0, completed: false);
        Assert.Equal($"\"/bin/ls\", [\"ls\", \"-l\", \"/tmp dir\"], 0x{envp:x} /* 2 vars */", SyscallDecoder.FormatArguments(decoded));
        Assert.Equal(new[] { "pathname", "argv", "envp" }, decoded.Select(a => a.Name));

        // More variables than one batched read holds.
        var big = _memory.AddStringArray(Enumerable.Range(0, 100).Select(i => $"V{i}=x").ToArray());
        Assert.Equal($"0x{big:x} /* 100 vars */", Decode("execve", new ulong[] { path, argv, big }, 0, completed: false)[2].Text);
        var one = _memory.AddStringArray("A=1");
        Assert.Equal($"0x{one:x} /* 1 var */", Decode("execve", new ulong[] { path, argv, one }, 0, completed: false)[2].Text);
    }

    [Fact]
    public void ExecveArgvStopsAfter32Entries()
    {
        var words = Enumerable.Range(0, 40).Select(i => "w" + i).ToArray();
        var argv = _memory.AddStringArray(words);
        var text = Decode("execve", new ulong[] { 0, argv, 0 }, 0, completed: false)[1].Text;
        Assert.Equal("[" + string.Join(", ", words.Take(32).Select(w => $"\"{w}\"")) + ", ...]", text);
    }

    [Fact]
    public void ExitAndWaitDecode()
    {
        Assert.Equal("0", Text("exit_group", new ulong[] { 0 }, 0, completed: false));
        var status = _memory.AddInt32s(3 << 8);
        Assert.Equal("-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], WNOHANG|__WALL, NULL",
            Text("wait4", new ulong[] { unchecked((ulong)-1), status, 1 | 0x40000000, 0 }, 4242));
        var killed = _memory.AddInt32s(9);
        Assert.Equal("4242, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL",
            Text("wait4", new ulong[] { 4242, killed, 0, 0 }, 4242));
        Assert.Equal("", Text("getppid", Array.Empty<ulong>(), 1));
        Assert.Empty(Decode("gettid", new ulong[] { 1, 2, 3, 4, 5, 6 }, 77));
    }

    [Fact]
    public void SignalsHaveTheirNames()
    {
        Assert.Equal("1234, SIGUSR1", Text("kill", new ulong[] { 1234, 10 }));
        Assert.Equal("1234, 1240, SIGTERM", Text("tgkill", new ulong[] { 1234, 1240, 15 }));
        Assert.Equal("1240, SIGRT_2", Text("tkill", new ulong[] { 1240, 34 }));
        Assert.Equal("1240, SIGRTMIN", Text("tkill", new ulong[] { 1240, 32 }));
        Assert.Equal("1234, 0", Text("kill", new ulong[] { 1234, 0 }));
        Assert.Equal("SIGINT, 0x7ffd0000, NULL, 8", Text("rt_sigaction", new ulong[] { 2, 0x7ffd0000, 0, 8 }));

        var set = _memory.AddUInt64s((1UL << 9) | (1UL << 14)); // USR1 (10) and TERM (15)
        var old = _memory.AddUInt64s(~0UL & ~(1UL << 8)); // everything but KILL
        Assert.Equal("SIG_BLOCK, [USR1 TERM], ~[KILL], 8", Text("rt_sigprocmask", new ulong[] { 0, set, old, 8 }, 0));
        Assert.Equal("SIG_SETMASK, [USR1 TERM], NULL, 8", Text("rt_sigprocmask", new ulong[] { 2, set, 0, 8 }, 0));
        // glibc's setup: everything but its two internal real-time signals.
        var glibc = _memory.AddUInt64s(~0UL & ~(3UL << 31));
        var empty = _memory.AddUInt64s(0);
        Assert.Equal("SIG_BLOCK, ~[RTMIN RT_1], [], 8", Text("rt_sigprocmask", new ulong[] { 0, glibc, empty, 8 }, 0));
        Assert.Equal($"SIG_BLOCK, ~[RTMIN RT_1], 0x{empty:x}, 8", Text("rt_sigprocmask", new ulong[] { 0, glibc, empty, 8 }, -14));
    }

    [Fact]
    public void PollEpollAndSleepsDecode()
    {
        Assert.Equal("0x7ffd0000, 2, -1", Text("poll", new ulong[] { 0x7ffd0000, 2, unchecked((ulong)-1) }, 1));
        Assert.Equal("EPOLL_CLOEXEC", Text("epoll_create1", new ulong[] { 0x80000 }, 3));
        Assert.Equal("3, EPOLL_CTL_ADD, 5, 0x7ffd0000", Text("epoll_ctl", new ulong[] { 3, 1, 5, 0x7ffd0000 }));
        Assert.Equal("3, EPOLL_CTL_DEL, 5, 0x7ffd0000", Text("epoll_ctl", new ulong[] { 3, 2, 5, 0x7ffd0000 }));
        Assert.Equal("3, [], 64, 1000", Text("epoll_wait", new ulong[] { 3, 0x7ffd0000, 64, 1000 }, 0));
        Assert.Equal("3, 0x7ffd0000, 64, 1000", Text("epoll_wait", new ulong[] { 3, 0x7ffd0000, 64, 1000 }, -4));

        var second = _memory.AddUInt64s(1, 0);
        Assert.Equal("{tv_sec=1, tv_nsec=0}, NULL", Text("nanosleep", new ulong[] { second, 0 }));
        Assert.Equal("CLOCK_MONOTONIC, TIMER_ABSTIME, {tv_sec=1, tv_nsec=0}, NULL",
            Text("clock_nanosleep", new ulong[] { 1, 1, second, 0 }));
        Assert.Equal("CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=0}, 0x7ffd0000",
            Text("clock_nanosleep", new ulong[] { 0, 0, second, 0x7ffd0000 }));
        Assert.Equal("0x7ffd0000, 1, {tv_sec=1, tv_nsec=0}, NULL, 8", Text("ppoll", new ulong[] { 0x7ffd0000, 1, second, 0, 8 }));
    }

    [Fact]
    public void UnknownSyscallsShowRawHexArguments()
    {
        var raw = SyscallDecoder.Decode(1000, new ulong[] { 1, 0x20, 0, 0xffff, 5, 6 }, -38, true, _memory);
        Assert.Equal(new[] { "arg0", "arg1", "arg2", "arg3", "arg4", "arg5" }, raw.Select(a => a.Name));
        Assert.Equal("0x1, 0x20, 0, 0xffff, 0x5, 0x6", SyscallDecoder.FormatArguments(raw));

        // kcmp has no prototype here but strace's table says it takes five arguments.
        var kcmp = Decode("kcmp", new ulong[] { 100, 101, 0, 3, 4, 99 });
        Assert.Equal(new[] { "arg0", "arg1", "arg2", "arg3", "arg4" }, kcmp.Select(a => a.Name));
        Assert.Equal("0x64, 0x65, 0, 0x3, 0x4", SyscallDecoder.FormatArguments(kcmp));

        // shmget has parameter names but raw values.
        Assert.Equal("key=0, size=0x1000, shmflg=0x3b6",
            string.Join(", ", Decode("shmget", new ulong[] { 0, 4096, 0x3b6 })));
    }

    [Fact]
    public void ShortArgumentSpansAreZeroFilled()
    {
        Assert.Equal("3", Text("close", new ulong[] { 3 }));
        Assert.Equal("NULL, 0, PROT_NONE, MAP_SHARED, 0, 0", Text("mmap", new ulong[] { 0, 0, 0, 1 }));
    }

    [Fact]
    public void EveryPrototypeMatchesStracesArgumentCount()
    {
        for (var n = 0; n <= SyscallTable.MaxNumber; n++)
        {
            var parameters = Diag.Linux.Syscalls.Decoding.SyscallSignatures.Get(n);
            if (parameters is null)
                continue;
            Assert.True(parameters.Length == SyscallTable.GetArgumentCount(n),
                $"{SyscallTable.GetName(n)}: {parameters.Length} parameters, strace says {SyscallTable.GetArgumentCount(n)}");
            foreach (var p in parameters)
                Assert.True(p.Related < parameters.Length, $"{SyscallTable.GetName(n)}.{p.Name} depends on a missing parameter");
        }
    }

    private static byte[] Sockaddr(ushort family, ushort port, byte[] address)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, family);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), port);
        address.CopyTo(bytes, 4);
        return bytes;
    }
}
