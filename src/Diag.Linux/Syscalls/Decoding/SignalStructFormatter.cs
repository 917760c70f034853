using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// The signal structures: the kernel's struct sigaction (<c>{sa_handler=SIG_IGN, sa_mask=[],
/// sa_flags=SA_RESTORER, sa_restorer=0x7f...}</c>: the handler that explains a SIGPIPE that never
/// kills), stack_t (sigaltstack), rt_sigreturn's restored mask and pselect6's sigmask pair.
/// </summary>
internal static class SignalStructFormatter
{
    private const ulong SA_RESTORER = 0x04000000;
    private const int SS_DISABLE = 2;

    /// <summary>Offset of uc_sigmask from the stack pointer at rt_sigreturn's entry: the handler's return
    /// popped the frame's return address, so the stack pointer is at the frame's ucontext, whose flags,
    /// link, stack_t and 256-byte sigcontext come before the mask (x86_64).</summary>
    private const int SigreturnMaskOffset = 8 + 8 + 24 + 256;

    public static readonly FlagSet SigactionFlags = new("0",
        ("SA_RESTORER", SA_RESTORER),
        ("SA_ONSTACK", 0x08000000),
        ("SA_RESTART", 0x10000000),
        ("SA_NODEFER", 0x40000000),
        ("SA_RESETHAND", 0x80000000),
        ("SA_SIGINFO", 0x4),
        ("SA_NOCLDSTOP", 0x1),
        ("SA_NOCLDWAIT", 0x2),
        ("SA_UNSUPPORTED", 0x400),
        ("SA_EXPOSE_TAGBITS", 0x800));

    public static readonly FlagSet StackFlags = new("0",
        ("SS_ONSTACK", 1),
        ("SS_DISABLE", SS_DISABLE),
        ("SS_AUTODISARM", 0x80000000));

    public static string ReadSigaction(ITraceeMemory memory, ulong address)
    {
        Span<byte> sa = stackalloc byte[32];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, sa))
            return NumberText.Pointer(address);
        var handler = BinaryPrimitives.ReadUInt64LittleEndian(sa);
        var flags = BinaryPrimitives.ReadUInt64LittleEndian(sa[8..]);
        var restorer = BinaryPrimitives.ReadUInt64LittleEndian(sa[16..]);
        var mask = BinaryPrimitives.ReadUInt64LittleEndian(sa[24..]);
        var text = new StringBuilder("{sa_handler=").Append(Handler(handler))
            .Append(", sa_mask=").Append(SignalFormatter.FormatSet(mask))
            .Append(", sa_flags=").Append(SigactionFlags.Format(flags));
        if ((flags & SA_RESTORER) != 0)
            text.Append(", sa_restorer=").Append(NumberText.Pointer(restorer));
        return text.Append('}').ToString();
    }

    /// <summary>SIG_DFL, SIG_IGN, SIG_ERR or the handler's address.</summary>
    public static string Handler(ulong handler) => handler switch
    {
        0 => "SIG_DFL",
        1 => "SIG_IGN",
        ulong.MaxValue => "SIG_ERR",
        _ => NumberText.Hex(handler),
    };

    public static string ReadStack(ITraceeMemory memory, ulong address)
    {
        Span<byte> ss = stackalloc byte[24];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, ss))
            return NumberText.Pointer(address);
        return "{ss_sp=" + NumberText.Pointer(BinaryPrimitives.ReadUInt64LittleEndian(ss))
            + ", ss_flags=" + StackFlags.Format(BinaryPrimitives.ReadUInt32LittleEndian(ss[8..]))
            + ", ss_size=" + BinaryPrimitives.ReadUInt64LittleEndian(ss[16..]).ToString(CultureInfo.InvariantCulture) + "}";
    }

    /// <summary>rt_sigreturn's <c>{mask=[...]}</c>: the mask the kernel is about to restore, read from the
    /// signal frame at the stack pointer.</summary>
    public static string ReadSigreturnMask(ITraceeMemory memory, ulong stackPointer)
    {
        if (stackPointer == 0 || !TraceeMemoryReads.TryReadUInt64(memory, stackPointer + SigreturnMaskOffset, out var mask))
            return "";
        return "{mask=" + SignalFormatter.FormatSet(mask) + "}";
    }

    /// <summary>pselect6's sixth argument: <c>{sigmask=[USR1], sigsetsize=8}</c>.</summary>
    public static string ReadPselect6Sigmask(ITraceeMemory memory, ulong address)
    {
        Span<byte> pair = stackalloc byte[16];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, pair))
            return NumberText.Pointer(address);
        var set = BinaryPrimitives.ReadUInt64LittleEndian(pair);
        var size = BinaryPrimitives.ReadUInt64LittleEndian(pair[8..]);
        var setText = size == 8 ? SignalFormatter.Read(memory, set) : NumberText.Pointer(set);
        return "{sigmask=" + setText + ", sigsetsize=" + size.ToString(CultureInfo.InvariantCulture) + "}";
    }

    /// <summary>struct sigevent (timer_create): <c>{sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}</c>,
    /// the value first when it is set, the thread for SIGEV_THREAD_ID.</summary>
    public static string ReadSigevent(ITraceeMemory memory, ulong address)
    {
        Span<byte> ev = stackalloc byte[32];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, ev))
            return NumberText.Pointer(address);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(ev);
        var signal = BinaryPrimitives.ReadInt32LittleEndian(ev[8..]);
        var notify = BinaryPrimitives.ReadInt32LittleEndian(ev[12..]);
        var text = new StringBuilder("{");
        if (value != 0)
            text.Append("sigev_value={sival_int=").Append(((int)(uint)value).ToString(CultureInfo.InvariantCulture))
                .Append(", sival_ptr=").Append(NumberText.Hex(value)).Append("}, ");
        text.Append("sigev_signo=").Append(notify is 0 or 2 or 4 ? SignalFormatter.Name(signal) : ((uint)signal).ToString(CultureInfo.InvariantCulture))
            .Append(", sigev_notify=").Append(MiscFlagSets.SigevNotify.Format(notify));
        if (notify == 4)
            text.Append(", sigev_notify_thread_id=").Append(BinaryPrimitives.ReadInt32LittleEndian(ev[16..]).ToString(CultureInfo.InvariantCulture));
        else if (notify == 2)
            text.Append(", sigev_notify_function=").Append(NumberText.Pointer(BinaryPrimitives.ReadUInt64LittleEndian(ev[16..])))
                .Append(", sigev_notify_attributes=").Append(NumberText.Pointer(BinaryPrimitives.ReadUInt64LittleEndian(ev[24..])));
        return text.Append('}').ToString();
    }
}
