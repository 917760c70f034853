using System.Globalization;
using Diag.Linux.Interop;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// The return value as strace prints it after <c>=</c>: <c>?</c> for a call that did not return or
/// that a signal interrupted, <c>-1</c> for an error (the errno is printed apart), addresses in hex,
/// umask in octal, and with strace's detail in parentheses where it has one: <c>0 (Timeout)</c>,
/// <c>1 (in [5], left {tv_sec=0, tv_nsec=998000})</c>, <c>0x8002 (flags O_RDWR|O_LARGEFILE)</c>,
/// <c>1 (SUID_DUMP_USER)</c>, <c>12 (SIGUSR2)</c>.
/// </summary>
internal static class ReturnFormatter
{
    private static readonly int Select = Number("select"), Pselect6 = Number("pselect6"), Poll = Number("poll"),
        Ppoll = Number("ppoll"), Fcntl = Number("fcntl"), Umask = Number("umask"), Personality = Number("personality"),
        Prctl = Number("prctl"), RtSigtimedwait = Number("rt_sigtimedwait"), Recvmmsg = Number("recvmmsg");

    public static string Format(DecodeContext context)
    {
        if (!context.Completed || context.Interrupted)
            return "?";
        var value = context.ReturnValue;
        if (DecodeContext.IsError(value))
            return "-1";
        var number = context.Number;
        if (number is SyscallNumbers.Mmap or SyscallNumbers.Brk or SyscallNumbers.Mremap or SyscallNumbers.Shmat)
            return NumberText.Hex((ulong)value);
        if (number == Umask)
            return NumberText.Octal((ulong)value);
        if (number == Fcntl)
            return FcntlFormatter.Return((int)(uint)context.Arguments[1], value) ?? Decimal(value);
        if (number == Personality)
            return NumberText.Hex((ulong)value) + " (" + MiscFlagSets.Personality((ulong)value) + ")";
        string? detail = null;
        if (number == Select || number == Pselect6)
            detail = PollFormatter.SelectResult(context, timespec: number == Pselect6);
        else if (number == Poll || number == Ppoll)
            detail = PollFormatter.PollResult(context, hasTimeout: number == Ppoll);
        else if (number == Prctl)
            detail = PrctlFormatter.ReturnDetail(context);
        else if (number == RtSigtimedwait && value > 0)
            detail = SignalFormatter.Name(value);
        else if (number == Recvmmsg)
            detail = value == 0 ? "Timeout" : context.Arguments[4] != 0 ? "left " + TimeFormatter.ReadTimespec(context.Memory, context.Arguments[4]) : null;
        return detail is null ? Decimal(value) : Decimal(value) + " (" + detail + ")";
    }

    private static string Decimal(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Number(string name) =>
        SyscallTable.TryGetNumber(name, out var number) ? number : throw new InvalidOperationException("unknown syscall " + name);
}
