using System.Buffers.Binary;
using System.Text;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Tests.Syscalls;

/// <summary>Structures, constants and return values decoded as strace prints them (its default,
/// abbreviated view), from buffers laid out as the x86_64 kernel fills them.</summary>
public sealed class SyscallStructureDecoderTests : IDisposable
{
    private readonly PinnedTraceeMemory _memory = new();

    public void Dispose() => _memory.Dispose();

    private static int Nr(string name) => SyscallTable.TryGetNumber(name, out var n) ? n : throw new ArgumentException(name);

    private string Text(string name, ulong[] args, long returnValue = 0) =>
        SyscallDecoder.FormatArguments(SyscallDecoder.Decode(Nr(name), args, returnValue, true, _memory));

    /// <summary>Entry, then what the kernel does to memory, then exit: arguments and return value.</summary>
    private (string Arguments, string Return) Call(string name, ulong[] args, long returnValue, Action? kernel = null)
    {
        var entry = SyscallDecoder.Enter(Nr(name), args, _memory);
        kernel?.Invoke();
        var call = SyscallDecoder.Exit(entry, returnValue, completed: true, _memory);
        return (call.ArgumentText, call.ReturnText);
    }

    private static byte[] Bytes(int size, params (int Offset, ulong Value, int Width)[] fields)
    {
        var bytes = new byte[size];
        foreach (var (offset, value, width) in fields)
        {
            if (width == 8) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);
            else if (width == 4) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)value);
            else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), (ushort)value);
        }
        return bytes;
    }

    [Fact]
    public void StatShowsModeAndSizeOrTheDevice()
    {
        var file = _memory.Add(Bytes(144, (24, 0x81a4, 4), (48, 36407, 8)));
        var path = _memory.AddCString("/etc/ld.so.cache");
        Assert.Equal("AT_FDCWD, \"/etc/ld.so.cache\", {st_mode=S_IFREG|0644, st_size=36407, ...}, 0",
            Text("newfstatat", new ulong[] { unchecked((ulong)-100), path, file, 0 }));
        var device = _memory.Add(Bytes(144, (24, 0x21b6, 4), (40, 0x103, 8)));
        Assert.Equal("3, {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}", Text("fstat", new ulong[] { 3, device }));
        var sticky = _memory.Add(Bytes(144, (24, 0x43ff, 4), (48, 4096, 8)));
        Assert.Equal("3, {st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}", Text("fstat", new ulong[] { 3, sticky }));
        // A failed stat leaves the buffer alone: its address only.
        Assert.Equal($"3, 0x{file:x}", Text("fstat", new ulong[] { 3, file }, -9));
    }

    [Fact]
    public void StatxShowsItsMaskAndTheAbbreviatedResult()
    {
        var path = _memory.AddCString("/etc/passwd");
        var buffer = _memory.Add(Bytes(256, (0, 0x17ff, 4), (28, 0x81a4, 2), (40, 1317, 8)));
        Assert.Equal($"AT_FDCWD, \"/etc/passwd\", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW|AT_NO_AUTOMOUNT, STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_MTIME|STATX_SIZE, {{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1317, ...}}",
            Text("statx", new ulong[] { unchecked((ulong)-100), path, 0x100 | 0x800, 0x2 | 0x4 | 0x8 | 0x10 | 0x40 | 0x200, buffer }));
    }

    [Fact]
    public void SigactionShowsTheHandlerMaskAndFlags()
    {
        // SIGPIPE ignored: the disposition that explains a writer that never dies of a closed pipe.
        var ignore = _memory.Add(Bytes(32, (0, 1, 8), (8, 0x04000000, 8), (16, 0x7f0000011050, 8)));
        var old = _memory.Add(new byte[32]);
        Assert.Equal("SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x7f0000011050}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8",
            Text("rt_sigaction", new ulong[] { 13, ignore, old, 8 }));
        var handler = _memory.Add(Bytes(32, (0, 0x555555566dc0, 8), (8, 0x14000000, 8), (16, 0x7f0000011050, 8), (24, ~((1UL << 31) | (1UL << 32)), 8)));
        Assert.Equal("SIGCHLD, {sa_handler=0x555555566dc0, sa_mask=~[RTMIN RT_1], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f0000011050}, NULL, 8",
            Text("rt_sigaction", new ulong[] { 17, handler, 0, 8 }));
    }

    [Fact]
    public void ResourceLimitsNameTheResourceAndTheValues()
    {
        var limit = _memory.Add(Bytes(16, (0, 8192 * 1024, 8), (8, ulong.MaxValue, 8)));
        Assert.Equal("0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}", Text("prlimit64", new ulong[] { 0, 3, 0, limit }));
        var files = _memory.Add(Bytes(16, (0, 1024, 8), (8, 524288, 8)));
        Assert.Equal("0, RLIMIT_NOFILE, {rlim_cur=1024, rlim_max=512*1024}, NULL", Text("prlimit64", new ulong[] { 0, 7, files, 0 }));
    }

    [Fact]
    public void UnameSysinfoAndCpuMasks()
    {
        var uts = new byte[390];
        Encoding.ASCII.GetBytes("Linux").CopyTo(uts, 0);
        Encoding.ASCII.GetBytes("web1").CopyTo(uts, 65);
        Assert.Equal("{sysname=\"Linux\", nodename=\"web1\", ...}", Text("uname", new ulong[] { _memory.Add(uts) }));
        var info = _memory.Add(Bytes(112, (0, 1771, 8), (8, 394048, 8), (32, 25276182528, 8), (80, 214, 2), (104, 1, 4)));
        Assert.Equal("{uptime=1771, loads=[394048, 0, 0], totalram=25276182528, freeram=0, sharedram=0, bufferram=0, totalswap=0, freeswap=0, procs=214, totalhigh=0, freehigh=0, mem_unit=1}",
            Text("sysinfo", new ulong[] { info }));
        var mask = _memory.Add(new byte[] { 0x0b, 0, 0, 0, 0, 0, 0, 0 });
        Assert.Equal("0, 128, [0 1 3]", Text("sched_getaffinity", new ulong[] { 0, 128, mask }, 8));
    }

    [Fact]
    public void DirectoryReadsCountTheirEntries()
    {
        var buffer = new byte[72];
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(16), 24);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(24 + 16), 24);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(48 + 16), 24);
        var address = _memory.Add(buffer);
        Assert.Equal($"3, 0x{address:x} /* 3 entries */, 32768", Text("getdents64", new ulong[] { 3, address, 32768 }, 72));
        Assert.Equal($"3, 0x{address:x} /* 0 entries */, 32768", Text("getdents64", new ulong[] { 3, address, 32768 }, 0));
    }

    [Fact]
    public void PollShowsWhatWasAskedAndWithTheReturnWhatBecameReady()
    {
        var fds = _memory.Add(Bytes(16, (0, 4, 4), (4, 1, 2), (8, 5, 4), (12, 4, 2)));
        var (arguments, returned) = Call("poll", new ulong[] { fds, 2, 1000 }, 1, () => _memory.Write(fds + 14, new byte[] { 0x10, 0 }));
        Assert.Equal("[{fd=4, events=POLLIN}, {fd=5, events=POLLOUT}], 2, 1000", arguments);
        Assert.Equal("1 ([{fd=5, revents=POLLHUP}])", returned);
        Assert.Equal("0 (Timeout)", Call("poll", new ulong[] { fds, 2, 1000 }, 0).Return);
    }

    [Fact]
    public void SelectShowsTheTimeoutAsked_AndWithTheReturnTheReadySetsAndTheTimeLeft()
    {
        var read = _memory.AddUInt64s(1UL << 5);
        var timeout = _memory.AddUInt64s(2, 0);
        var (arguments, returned) = Call("pselect6", new ulong[] { 6, read, 0, 0, timeout, 0 }, 1, () =>
        {
            _memory.WriteUInt64(timeout, 1); // the kernel writes back the time left
            _memory.WriteUInt64(timeout + 8, 798564649);
        });
        Assert.Equal("6, [5], NULL, NULL, {tv_sec=2, tv_nsec=0}, NULL", arguments);
        Assert.Equal("1 (in [5], left {tv_sec=1, tv_nsec=798564649})", returned);

        var millisecond = _memory.AddUInt64s(0, 1000000);
        var expired = Call("pselect6", new ulong[] { 0, 0, 0, 0, millisecond, 0 }, 0, () => _memory.WriteUInt64(millisecond + 8, 0));
        Assert.Equal("0, NULL, NULL, NULL, {tv_sec=0, tv_nsec=1000000}, NULL", expired.Arguments);
        Assert.Equal("0 (Timeout)", expired.Return);
    }

    [Fact]
    public void AddressLengthsShowWhatWasOfferedAndWhatCameBack()
    {
        var address = _memory.Add(new byte[128]);
        var length = _memory.AddInt32s(128);
        var (arguments, _) = Call("accept4", new ulong[] { 3, address, length, 0x80000 }, 5, () =>
        {
            _memory.Write(address, Bytes(16, (0, 2, 2)).AsSpan(0, 2));
            _memory.Write(address + 2, new byte[] { 0x1f, 0x90, 127, 0, 0, 1 });
            _memory.WriteInt32(length, 16);
        });
        Assert.Equal("3, 127.0.0.1:8080, [128 => 16], SOCK_CLOEXEC", arguments);
    }

    [Fact]
    public void EpollEventsAreDecoded()
    {
        var add = _memory.Add(Bytes(12, (0, 0x80000001, 4), (4, 4, 8)));
        Assert.Equal("3, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLET, data={u32=4, u64=4}}", Text("epoll_ctl", new ulong[] { 3, 1, 4, add }));
        var ready = _memory.Add(Bytes(24, (0, 1, 4), (4, 4, 8), (12, 0x11, 4), (16, 6, 8)));
        Assert.Equal("3, [{events=EPOLLIN, data={u32=4, u64=4}}, {events=EPOLLIN|EPOLLHUP, data={u32=6, u64=6}}], 1023, 1000",
            Text("epoll_wait", new ulong[] { 3, ready, 1023, 1000 }, 2));
    }

    [Fact]
    public void MessagesShowTheirDataAndTheDescriptorsTheyPass()
    {
        var data = _memory.Add(Encoding.ASCII.GetBytes("fd"));
        var iov = _memory.AddUInt64s(data, 2);
        var control = _memory.Add(Bytes(24, (0, 20, 8), (8, 1, 4), (12, 1, 4), (16, 6, 4)));
        var msg = _memory.Add(Bytes(56, (16, iov, 8), (24, 1, 8), (32, control, 8), (40, 24, 8)));
        Assert.Equal("3, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"fd\", iov_len=2}], msg_iovlen=1, msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[6]}], msg_controllen=24, msg_flags=0}, 0",
            Text("sendmsg", new ulong[] { 3, msg, 0 }, 2));

        var received = _memory.Add(new byte[16]);
        var rxIov = _memory.AddUInt64s(received, 16);
        var name = _memory.Add(new byte[110]);
        var rx = _memory.Add(Bytes(56, (0, name, 8), (8, 110, 4), (16, rxIov, 8), (24, 1, 8)));
        var (arguments, _) = Call("recvmsg", new ulong[] { 4, rx, 0 }, 2, () =>
        {
            _memory.Write(received, Encoding.ASCII.GetBytes("fd"));
            _memory.WriteInt32(rx + 8, 0);
        });
        Assert.Equal($"4, {{msg_name=0x{name:x}, msg_namelen=110 => 0, msg_iov=[{{iov_base=\"fd\", iov_len=16}}], msg_iovlen=1, msg_controllen=0, msg_flags=0}}, 0", arguments);
    }

    [Fact]
    public void SendmmsgShowsEachMessageAndWhatWasSent()
    {
        // glibc's resolver sends the A and AAAA queries together.
        var a = _memory.Add(Encoding.ASCII.GetBytes("query-a"));
        var aaaa = _memory.Add(Encoding.ASCII.GetBytes("query-aaaa"));
        var iovA = _memory.AddUInt64s(a, 7);
        var iovAaaa = _memory.AddUInt64s(aaaa, 10);
        var vector = _memory.Add(Bytes(128, (16, iovA, 8), (24, 1, 8), (56, 7, 4), (64 + 16, iovAaaa, 8), (64 + 24, 1, 8), (64 + 56, 10, 4)));
        const string First = "{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"query-a\", iov_len=7}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=7}";
        const string Second = "{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"query-aaaa\", iov_len=10}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=10}";
        Assert.Equal($"3, [{First}, {Second}], 2, MSG_NOSIGNAL", Text("sendmmsg", new ulong[] { 3, vector, 2, 0x4000 }, 2));
    }

    [Fact]
    public void VectoredIoShowsTheDataMoved()
    {
        var first = _memory.Add(Encoding.ASCII.GetBytes("first line\n"));
        var second = _memory.Add(Encoding.ASCII.GetBytes("second line\n"));
        var vectors = _memory.AddUInt64s(first, 11, second, 12);
        Assert.Equal("3, [{iov_base=\"first line\\n\", iov_len=11}, {iov_base=\"second line\\n\", iov_len=12}], 2", Text("writev", new ulong[] { 3, vectors, 2 }, 23));
        // readv: only what the call returned, spread over the buffers in order.
        Assert.Equal("3, [{iov_base=\"first line\\n\", iov_len=11}, {iov_base=\"seco\", iov_len=12}], 2", Text("readv", new ulong[] { 3, vectors, 2 }, 15));
        Assert.Equal($"3, [{{iov_base=0x{first:x}, iov_len=11}}, {{iov_base=0x{second:x}, iov_len=12}}], 2", Text("readv", new ulong[] { 3, vectors, 2 }, -14));
    }

    [Fact]
    public void TimersAndTimesAreDecoded()
    {
        var timer = _memory.AddUInt64s(0, 0, 0, 50000);
        var old = _memory.AddUInt64s(0, 0, 0, 0);
        Assert.Equal("ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=50000}}, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=0}}",
            Text("setitimer", new ulong[] { 0, timer, old }));
        var times = _memory.AddUInt64s(1, 0, 2, 500);
        var path = _memory.AddCString("/tmp/probe");
        // The dates in local time, as strace prints them (+0000 on a machine set to UTC).
        var one = DateTimeOffset.FromUnixTimeSeconds(1).ToLocalTime();
        var two = DateTimeOffset.FromUnixTimeSeconds(2).ToLocalTime();
        string Zone(DateTimeOffset t) => (t.Offset < TimeSpan.Zero ? "-" : "+") + t.Offset.Duration().ToString("hhmm", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"AT_FDCWD, \"/tmp/probe\", [{{tv_sec=1, tv_nsec=0}} /* {one:yyyy-MM-dd'T'HH:mm:ss}{Zone(one)} */, {{tv_sec=2, tv_nsec=500}} /* {two:yyyy-MM-dd'T'HH:mm:ss}.000000500{Zone(two)} */], 0",
            Text("utimensat", new ulong[] { unchecked((ulong)-100), path, times, 0 }));
        var now = _memory.AddUInt64s(0, (1UL << 30) - 1, 0, (1UL << 30) - 2);
        Assert.Equal("3, NULL, [UTIME_NOW, UTIME_OMIT], 0", Text("utimensat", new ulong[] { 3, 0, now, 0 }));
        var sigevent = _memory.Add(Bytes(64, (8, 14, 4), (12, 0, 4)));
        var id = _memory.AddInt32s(0);
        Assert.Equal("CLOCK_REALTIME, {sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}, [0]", Text("timer_create", new ulong[] { 0, sigevent, id }));
    }

    [Fact]
    public void IoctlRequestsAreNamedAndTheirArgumentsDecoded()
    {
        var termios = _memory.Add(Bytes(60, (0, 0x500, 4), (4, 0x5, 4), (8, 0xbf, 4), (12, 0x8a3b, 4)));
        Assert.Equal("0, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}",
            Text("ioctl", new ulong[] { 0, 0x5401, termios }));
        var size = _memory.Add(Bytes(8, (0, 24, 2), (2, 80, 2)));
        Assert.Equal("1, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}", Text("ioctl", new ulong[] { 1, 0x5413, size }));
        var pending = _memory.AddInt32s(5);
        Assert.Equal("4, FIONREAD, [5]", Text("ioctl", new ulong[] { 4, 0x541b, pending }));
        Assert.Equal("3, FIOCLEX", Text("ioctl", new ulong[] { 3, 0x5451, 0 }));
        Assert.Equal("3, _IOC(_IOC_READ, 0x12, 0x73, 0x8), 0x7ffd0000", Text("ioctl", new ulong[] { 3, 0x80081272 + 1, 0x7ffd0000 }));
    }

    [Fact]
    public void PrctlAndArchPrctlNameTheOptionAndItsArguments()
    {
        var name = _memory.AddCString("diag-probe");
        Assert.Equal("PR_SET_NAME, \"diag-probe\"", Text("prctl", new ulong[] { 15, name, 0, 0, 0 }));
        var (getName, _) = Call("prctl", new ulong[] { 16, name, 0, 0, 0 }, 0);
        Assert.Equal("PR_GET_NAME, \"diag-probe\"", getName);
        Assert.Equal(("PR_GET_DUMPABLE", "1 (SUID_DUMP_USER)"), Call("prctl", new ulong[] { 3, 0, 0, 0, 0 }, 1));
        Assert.Equal("PR_SET_PDEATHSIG, SIGTERM", Text("prctl", new ulong[] { 1, 15, 0, 0, 0 }));
        Assert.Equal("PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0", Text("prctl", new ulong[] { 38, 1, 0, 0, 0 }));
        Assert.Equal("PR_CAPBSET_READ, CAP_SYS_ADMIN", Text("prctl", new ulong[] { 23, 21, 0, 0, 0 }));
        Assert.Equal("0x3e8 /* PR_??? */, 0x1, 0x2, 0x3, 0x4", Text("prctl", new ulong[] { 1000, 1, 2, 3, 4 }));
        Assert.Equal("ARCH_SET_FS, 0x7ffff7dd2740", Text("arch_prctl", new ulong[] { 0x1002, 0x7ffff7dd2740 }));
        Assert.Equal("0x3001 /* ARCH_??? */, 0x7ffd0000", Text("arch_prctl", new ulong[] { 0x3001, 0x7ffd0000 }, -22));
        Assert.Equal(("PER_LINUX|ADDR_NO_RANDOMIZE", "0 (PER_LINUX)"), Call("personality", new ulong[] { 0x40000 }, 0));
    }

    [Fact]
    public void ConstantsOfTheSmallerCallsAreNamed()
    {
        var random = _memory.Add(new byte[] { 0x5e, 0x1f, 0x3f, 0xa2 });
        Assert.Equal("\"\\x5e\\x1f\\x3f\\xa2\", 4, GRND_NONBLOCK", Text("getrandom", new ulong[] { random, 4, 1 }, 4));
        Assert.Equal("3, 0, 0, POSIX_FADV_SEQUENTIAL", Text("fadvise64", new ulong[] { 3, 0, 0, 2 }));
        Assert.Equal("0, EFD_CLOEXEC|EFD_NONBLOCK", Text("eventfd2", new ulong[] { 0, 0x80800 }));
        var arena = _memory.AddCString("diag-arena");
        Assert.Equal("\"diag-arena\", MFD_CLOEXEC|MFD_ALLOW_SEALING", Text("memfd_create", new ulong[] { arena, 3 }));
        Assert.Equal("3, LOCK_EX|LOCK_NB", Text("flock", new ulong[] { 3, 6 }));
        Assert.Equal("3, SOL_IPV6, IPV6_V6ONLY, [1], 4", Text("setsockopt", new ulong[] { 3, 41, 26, _memory.AddInt32s(1), 4 }));
        Assert.Equal("PRIO_PROCESS, 0", Text("getpriority", new ulong[] { 0, 0 }, 20));
        Assert.Equal("3, ~0U, CLOSE_RANGE_CLOEXEC", Text("close_range", new ulong[] { 3, uint.MaxValue, 4 }));
    }

    [Fact]
    public void ReturnValuesCarryStracesDetail()
    {
        Assert.Equal(("027", "022"), Call("umask", new ulong[] { 0x17 }, 0x12));
        Assert.Equal(("3, F_GETFL", "0x8002 (flags O_RDWR|O_LARGEFILE)"), Call("fcntl", new ulong[] { 3, 3, 0 }, 0x8002));
        Assert.Equal(("3, F_GETFD", "0x1 (flags FD_CLOEXEC)"), Call("fcntl", new ulong[] { 3, 1, 0 }, 1));
        Assert.Equal(("1, F_GETFD", "0"), Call("fcntl", new ulong[] { 1, 1, 0 }, 0));
        var flock = _memory.Add(Bytes(32, (0, 2, 2)));
        Assert.Equal("3, F_SETLKW, {l_type=F_UNLCK, l_whence=SEEK_SET, l_start=0, l_len=0}", Call("fcntl", new ulong[] { 3, 7, flock }, 0).Arguments);
        var set = _memory.AddUInt64s(1UL << 11);
        var info = _memory.Add(Bytes(128, (0, 12, 4), (8, 0, 4), (16, 1234, 4)));
        Assert.Equal(($"[USR2], {{si_signo=SIGUSR2, si_code=SI_USER, si_pid=1234, si_uid=0}}, NULL, 8", "12 (SIGUSR2)"),
            Call("rt_sigtimedwait", new ulong[] { set, info, 0, 8 }, 12));
    }

    [Fact]
    public void InterruptedCallsReturnAQuestionMarkAndASleepShowsTheTimeLeft()
    {
        var request = _memory.AddUInt64s(2, 0);
        var remain = _memory.AddUInt64s(0, 0);
        var (arguments, returned) = Call("clock_nanosleep", new ulong[] { 0, 0, request, remain }, -516, () =>
        {
            _memory.WriteUInt64(remain, 1);
            _memory.WriteUInt64(remain + 8, 999874881);
        });
        Assert.Equal("CLOCK_REALTIME, 0, {tv_sec=2, tv_nsec=0}, {tv_sec=1, tv_nsec=999874881}", arguments);
        Assert.Equal("?", returned);
        // A sleep that ran its course leaves the remainder alone: its address.
        Assert.Equal($"CLOCK_REALTIME, 0, {{tv_sec=2, tv_nsec=0}}, 0x{remain:x}", Call("clock_nanosleep", new ulong[] { 0, 0, request, remain }, 0).Arguments);
        Assert.Equal("?", Call("read", new ulong[] { 0, remain, 16 }, -512).Return);
    }

    [Fact]
    public void SiginfoOfEachKindOfSignal()
    {
        var child = Bytes(128, (0, 17, 4), (8, 2, 4), (16, 4321, 4), (24, 15, 4), (32, 1, 8));
        Assert.Equal("{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=4321, si_uid=0, si_status=SIGTERM, si_utime=1 /* 0.01 s */, si_stime=0}",
            Diag.Linux.Syscalls.Decoding.SiginfoFormatter.Parse(child).Text);
        var fault = Bytes(128, (0, 11, 4), (8, 1, 4), (16, 0, 8));
        Assert.Equal("{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}", Diag.Linux.Syscalls.Decoding.SiginfoFormatter.Parse(fault).Text);
        var alarm = Bytes(128, (0, 14, 4), (8, 0x80, 4));
        Assert.Equal("{si_signo=SIGALRM, si_code=SI_KERNEL}", Diag.Linux.Syscalls.Decoding.SiginfoFormatter.Parse(alarm).Text);
        var timer = Bytes(128, (0, 34, 4), (8, unchecked((uint)-2), 4), (16, 0, 4), (20, 0, 4));
        Assert.Equal("{si_signo=SIGRT_2, si_code=SI_TIMER, si_timerid=0, si_overrun=0, si_int=0, si_ptr=NULL}", Diag.Linux.Syscalls.Decoding.SiginfoFormatter.Parse(timer).Text);
    }

    [Fact]
    public void RtSigreturnShowsTheMaskItRestoresFromTheSignalFrame()
    {
        // The frame's ucontext is at the stack pointer; its uc_sigmask 296 bytes in.
        var frame = new byte[512];
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(296), 1UL << 1); // SIGINT
        var stack = _memory.Add(frame);
        var entry = SyscallDecoder.Enter(Nr("rt_sigreturn"), Array.Empty<ulong>(), _memory, stack);
        Assert.Equal("{mask=[INT]}", SyscallDecoder.Exit(entry, 0, true, _memory).ArgumentText);
    }

    [Fact]
    public void EveryDecoderCopesWithZeroedAndUnreadableMemory()
    {
        // What the warm-up does before a trace: no decoder may throw on what a tracee could hand it.
        Diag.Linux.Syscalls.Decoding.DecoderWarmup.EnsureCompiled();
    }
}
