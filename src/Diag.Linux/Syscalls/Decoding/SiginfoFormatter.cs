using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>What a siginfo_t says, read once: its strace text and the fields a reader filters on.</summary>
internal readonly record struct SiginfoFields(
    int Signal, int Code, string CodeName, int? SenderProcessId, int? SenderUserId, int? Status, ulong? Address, string Text);

/// <summary>
/// siginfo_t (x86_64 layout, 128 bytes) as strace prints it: <c>{si_signo=SIGUSR1, si_code=SI_USER,
/// si_pid=1234, si_uid=0}</c>, with the fields each kind of signal carries (the child's status for
/// SIGCHLD, the faulting address for SIGSEGV, the timer for SI_TIMER), following strace's
/// printsiginfo.c.
/// </summary>
internal static class SiginfoFormatter
{
    public const int Size = 128;

    private const int SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_SIGIO = -5, SI_TKILL = -6;
    private const int SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11, SIGCHLD = 17, SIGIO = 29, SIGSYS = 31;
    private const int CLD_EXITED = 1;

    private static readonly ValueNames GenericCodes = new(
        ("SI_USER", SI_USER), ("SI_KERNEL", SI_KERNEL), ("SI_QUEUE", SI_QUEUE), ("SI_TIMER", SI_TIMER),
        ("SI_MESGQ", -3), ("SI_ASYNCIO", -4), ("SI_SIGIO", SI_SIGIO), ("SI_TKILL", SI_TKILL),
        ("SI_DETHREAD", -7), ("SI_ASYNCNL", -60));

    private static readonly Dictionary<int, ValueNames> CodesBySignal = new()
    {
        [SIGCHLD] = new(("CLD_EXITED", 1), ("CLD_KILLED", 2), ("CLD_DUMPED", 3), ("CLD_TRAPPED", 4), ("CLD_STOPPED", 5), ("CLD_CONTINUED", 6)),
        [SIGSEGV] = new(("SEGV_MAPERR", 1), ("SEGV_ACCERR", 2), ("SEGV_BNDERR", 3), ("SEGV_PKUERR", 4), ("SEGV_CPERR", 10)),
        [SIGBUS] = new(("BUS_ADRALN", 1), ("BUS_ADRERR", 2), ("BUS_OBJERR", 3), ("BUS_MCEERR_AR", 4), ("BUS_MCEERR_AO", 5)),
        [SIGILL] = new(("ILL_ILLOPC", 1), ("ILL_ILLOPN", 2), ("ILL_ILLADR", 3), ("ILL_ILLTRP", 4), ("ILL_PRVOPC", 5), ("ILL_PRVREG", 6), ("ILL_COPROC", 7), ("ILL_BADSTK", 8)),
        [SIGFPE] = new(("FPE_INTDIV", 1), ("FPE_INTOVF", 2), ("FPE_FLTDIV", 3), ("FPE_FLTOVF", 4), ("FPE_FLTUND", 5), ("FPE_FLTRES", 6), ("FPE_FLTINV", 7), ("FPE_FLTSUB", 8), ("FPE_FLTUNK", 14), ("FPE_CONDTRAP", 15)),
        [SIGTRAP] = new(("TRAP_BRKPT", 1), ("TRAP_TRACE", 2), ("TRAP_BRANCH", 3), ("TRAP_HWBKPT", 4), ("TRAP_UNK", 5), ("TRAP_PERF", 6)),
        [SIGIO] = new(("POLL_IN", 1), ("POLL_OUT", 2), ("POLL_MSG", 3), ("POLL_ERR", 4), ("POLL_PRI", 5), ("POLL_HUP", 6)),
        [SIGSYS] = new(("SYS_SECCOMP", 1), ("SYS_USER_DISPATCH", 2)),
    };

    /// <summary>A siginfo_t the kernel filled at <paramref name="address"/>; <c>{}</c> when it is all zero
    /// (waitid with WNOHANG and no child ready), as strace shows it.</summary>
    public static string Read(ITraceeMemory memory, ulong address)
    {
        Span<byte> bytes = stackalloc byte[Size];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Pointer(address);
        return bytes[..12].IndexOfAnyExcept((byte)0) < 0 ? "{}" : Parse(bytes).Text;
    }

    public static SiginfoFields Parse(ReadOnlySpan<byte> siginfo)
    {
        var si = siginfo.Length >= Size ? siginfo[..Size].ToArray() : PadTo(siginfo);
        int I32(int offset) => BinaryPrimitives.ReadInt32LittleEndian(si.AsSpan(offset));
        ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(si.AsSpan(offset));
        var signal = I32(0);
        var errno = I32(4);
        var code = I32(8);
        var codeName = CodeName(signal, code);
        int? pid = null, uid = null, status = null;
        ulong? address = null;

        var text = new StringBuilder("{si_signo=").Append(SignalFormatter.Name(signal)).Append(", si_code=").Append(codeName);
        if (errno != 0)
            text.Append(", si_errno=").Append(Errno.GetName(errno));
        void Source()
        {
            pid = I32(16);
            uid = (int)(uint)I32(20);
            text.Append(", si_pid=").Append(pid.Value.ToString(CultureInfo.InvariantCulture))
                .Append(", si_uid=").Append(((uint)uid.Value).ToString(CultureInfo.InvariantCulture));
        }
        void Value() => text.Append(", si_int=").Append(I32(24).ToString(CultureInfo.InvariantCulture))
            .Append(", si_ptr=").Append(NumberText.Pointer(U64(24)));
        void Address()
        {
            address = U64(16);
            text.Append(", si_addr=").Append(NumberText.Pointer(address.Value));
        }

        if (code <= 0)
        {
            switch (code)
            {
                case SI_USER or SI_TKILL:
                    Source();
                    break;
                case SI_TIMER:
                    text.Append(", si_timerid=").Append(NumberText.Hex((uint)I32(16)))
                        .Append(", si_overrun=").Append(I32(20).ToString(CultureInfo.InvariantCulture));
                    Value();
                    break;
                case SI_SIGIO:
                    text.Append(", si_band=").Append(((long)U64(16)).ToString(CultureInfo.InvariantCulture))
                        .Append(", si_fd=").Append(I32(24).ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    Source();
                    if (U64(24) != 0)
                        Value();
                    break;
            }
        }
        else
        {
            switch (signal)
            {
                case SIGCHLD:
                    Source();
                    status = I32(24);
                    text.Append(", si_status=").Append(code == CLD_EXITED ? status.Value.ToString(CultureInfo.InvariantCulture) : SignalFormatter.Name(status.Value))
                        .Append(", si_utime=").Append(ClockTicks((long)U64(32)))
                        .Append(", si_stime=").Append(ClockTicks((long)U64(40)));
                    break;
                case SIGILL or SIGFPE or SIGBUS or SIGSEGV or SIGTRAP:
                    Address();
                    break;
                case SIGIO when code is >= 1 and <= 6:
                    text.Append(", si_band=").Append(((long)U64(16)).ToString(CultureInfo.InvariantCulture))
                        .Append(", si_fd=").Append(I32(24).ToString(CultureInfo.InvariantCulture));
                    break;
                case SIGSYS:
                    Address();
                    text.Append(", si_syscall=").Append(SyscallTable.GetName(I32(24)))
                        .Append(", si_arch=").Append((uint)I32(28) == Libc.AUDIT_ARCH_X86_64 ? "AUDIT_ARCH_X86_64" : NumberText.Hex((uint)I32(28)));
                    break;
            }
        }
        return new SiginfoFields(signal, code, codeName, pid, uid, status, address, text.Append('}').ToString());
    }

    /// <summary>CPU time in clock ticks (USER_HZ, 100 a second), with strace's comment in seconds: <c>1 /* 0.01 s */</c>.</summary>
    private static string ClockTicks(long ticks) =>
        ticks == 0 ? "0" : FormattableString.Invariant($"{ticks} /* {ticks / 100}.{ticks % 100:D2} s */");

    private static byte[] PadTo(ReadOnlySpan<byte> siginfo)
    {
        var padded = new byte[Size];
        siginfo.CopyTo(padded);
        return padded;
    }

    private static string CodeName(int signal, int code)
    {
        if (GenericCodes.TryGetName(code, out var name))
            return name;
        if (CodesBySignal.TryGetValue(signal, out var names) && names.TryGetName(code, out name))
            return name;
        return code.ToString(CultureInfo.InvariantCulture);
    }
}
