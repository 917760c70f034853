using System.Globalization;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// Turns one raw argument into strace-like text according to its parameter's kind, in two steps as
/// strace does. At the call's entry <see cref="AtEntry"/> prints what the program passed (paths, the
/// bytes a write sends, a timeout, a sigaction) and keeps what an in/out parameter held (a socklen_t);
/// what the kernel fills in is printed by <see cref="AtExit"/> at the call's exit, where in/out
/// parameters show both values (<c>[128 => 16]</c>). Reading inputs at entry matters: a pselect6 or
/// ppoll timeout, an address length and a recvmsg header are rewritten by the kernel during the call.
/// </summary>
internal static class ArgumentFormatter
{
    /// <summary>Returned by <see cref="AtEntry"/> for a parameter decoded at exit (compared by reference).</summary>
    public static readonly string Deferred = new('\u0000', 1);

    /// <summary>The argument's text at entry: the text, <see cref="Deferred"/>, or null when strace
    /// leaves it out (open's mode without O_CREAT, fcntl's unused argument).</summary>
    public static string? AtEntry(SyscallParameter parameter, int register, DecodeContext context)
    {
        var memory = context.Memory;
        var value = context.Arguments[register];
        var related = parameter.Related >= 0 ? context.Arguments[parameter.Related] : 0;
        switch (parameter.Kind)
        {
            case ArgumentKind.Hex: return NumberText.Hex(value);
            case ArgumentKind.Pointer: return NumberText.Pointer(value);
            case ArgumentKind.Int: return NumberText.Int(value);
            case ArgumentKind.UInt: return NumberText.UInt(value);
            case ArgumentKind.UnsignedInt: return NumberText.UInt((uint)value);
            case ArgumentKind.Long: return NumberText.Long(value);
            case ArgumentKind.Fd: return NumberText.Int(value);
            case ArgumentKind.DirFd:
                return (int)(uint)value == FileFlagSets.AtFdCwd ? "AT_FDCWD" : NumberText.Int(value);
            case ArgumentKind.Mode: return NumberText.Octal(value);
            case ArgumentKind.Umask: return NumberText.Octal(value & 0x1ff);
            case ArgumentKind.PathIn: return StringArgumentReader.ReadCString(memory, value, StringArgumentReader.PathLimit);
            case ArgumentKind.StringIn: return StringArgumentReader.ReadCString(memory, value, StringArgumentReader.DefaultLimit);
            case ArgumentKind.BufferIn or ArgumentKind.XattrValueIn: return StringArgumentReader.ReadBuffer(memory, value, related);
            case ArgumentKind.Argv: return StringArrayFormatter.ReadArgv(memory, value);
            case ArgumentKind.Envp: return StringArrayFormatter.ReadEnvp(memory, value);
            case ArgumentKind.OpenMode: return OpenFlagsFormatter.UsesMode(related) ? NumberText.Octal(value) : null;
            case ArgumentKind.OpenFlags: return OpenFlagsFormatter.Format(value);
            case ArgumentKind.AtFlags: return FileFlagSets.AtFlags.Format(value);
            case ArgumentKind.StatxFlags: return StatxFlags(value);
            case ArgumentKind.StatxMask: return StatConstants.StatxMask.Format((uint)value);
            case ArgumentKind.UnlinkAtFlags: return FileFlagSets.UnlinkAtFlags.Format(value);
            case ArgumentKind.FaccessatFlags: return FileFlagSets.FaccessatFlags.Format(value);
            case ArgumentKind.AccessMode: return FileFlagSets.AccessModeBits.Format(value);
            case ArgumentKind.SeekWhence: return FileFlagSets.SeekWhence.Format((int)(uint)value);
            case ArgumentKind.RenameFlags: return FileFlagSets.RenameFlags.Format(value);
            case ArgumentKind.CloexecFlags: return FileFlagSets.CloexecFlags.Format(value);
            case ArgumentKind.Pipe2Flags: return FileFlagSets.Pipe2Flags.Format(value);
            case ArgumentKind.FcntlCommand: return FcntlCommands.Names.Format((int)(uint)value);
            case ArgumentKind.FcntlArgument:
                return FcntlFormatter.ReadsAtExit((int)(uint)related) ? Deferred : FcntlFormatter.Argument((int)(uint)related, value, memory);
            case ArgumentKind.FlockOperation: return MiscFlagSets.FlockOperations.Format(value);
            case ArgumentKind.FadviseAdvice: return MiscFlagSets.FadviseAdvice.Format((int)(uint)value);
            case ArgumentKind.UtimensTimes: return TimeFormatter.ReadUtimensTimes(memory, value);
            case ArgumentKind.CloseRangeLast: return (uint)value == uint.MaxValue ? "~0U" : NumberText.UInt((uint)value);
            case ArgumentKind.CloseRangeFlags: return MiscFlagSets.CloseRangeFlags.Format(value);
            case ArgumentKind.XattrFlags: return MiscFlagSets.XattrFlags.Format(value);
            case ArgumentKind.InotifyMask: return MiscFlagSets.InotifyMask.Format((uint)value);
            case ArgumentKind.InotifyInitFlags: return MiscFlagSets.InotifyInitFlags.Format(value);
            case ArgumentKind.FallocateMode: return MiscFlagSets.FallocateModes.Format(value);
            case ArgumentKind.OffsetInOut:
                return SaveInt64(context, register, value) is not null ? Deferred : NumberText.Pointer(value);
            case ArgumentKind.IoctlRequest: return IoctlRequests.Format((uint)value);
            case ArgumentKind.IoctlArgument: return IoctlAtEntry((uint)related, value, memory);
            case ArgumentKind.PrctlOption: return PrctlFormatter.Option(value);
            case ArgumentKind.PrctlArgument: return PrctlFormatter.Argument(context, register, atExit: false);
            case ArgumentKind.ArchPrctlCode: return PrctlFormatter.ArchCode(value);
            case ArgumentKind.ArchPrctlAddress: return PrctlFormatter.ArchAddress(context, atExit: false);
            case ArgumentKind.Protection: return MemoryFlagSets.Protection.Format(value);
            case ArgumentKind.MapFlags: return MapFlags(value);
            case ArgumentKind.RemapFlags: return MemoryFlagSets.RemapFlags.Format(value);
            case ArgumentKind.Advice: return MemoryFlagSets.Advice.Format((int)(uint)value);
            case ArgumentKind.MsyncFlags: return MiscFlagSets.MsyncFlags.Format(value);
            case ArgumentKind.MlockallFlags: return MiscFlagSets.MlockallFlags.Format(value);
            case ArgumentKind.MemfdFlags: return MiscFlagSets.MemfdFlags.Format(value);
            case ArgumentKind.AddressFamily: return SocketFlagSets.AddressFamilies.Format((int)(uint)value);
            case ArgumentKind.SocketType: return SocketType(value);
            case ArgumentKind.SocketFlags: return SocketFlagSets.SocketTypeFlags.Format(value);
            case ArgumentKind.SocketProtocol: return SocketProtocol((int)(uint)related, value);
            case ArgumentKind.SockaddrIn: return SockaddrFormatter.Read(memory, value, (uint)related);
            case ArgumentKind.SocklenInOut:
                if (value != 0 && TraceeMemoryReads.TryReadInt32(memory, value, out var offered))
                    context.Saved[register] = offered;
                return Deferred;
            case ArgumentKind.MessageFlags: return SocketFlagSets.MessageFlags.Format(value);
            case ArgumentKind.ShutdownHow: return SocketFlagSets.ShutdownHow.Format((int)(uint)value);
            case ArgumentKind.SocketLevel: return SocketFlagSets.SocketLevels.Format((int)(uint)value);
            case ArgumentKind.SocketOption: return SocketOption((int)(uint)related, value);
            case ArgumentKind.SocketOptionValueIn: return OptionValue(memory, value, (uint)related);
            case ArgumentKind.MsghdrIn: return MsghdrFormatter.Read(memory, value, dataSize: null, offeredNameLength: null);
            case ArgumentKind.MsghdrOut:
                if (value != 0 && MsghdrFormatter.TryReadNameLength(memory, value, out var nameLength))
                    context.Saved[register] = nameLength;
                return Deferred;
            case ArgumentKind.MmsghdrVectorOut:
                context.Saved[register] = MsghdrFormatter.ReadNameLengths(memory, value, (int)(uint)related);
                return Deferred;
            case ArgumentKind.IovecIn: return IovecFormatter.Read(memory, value, related, dataSize: null);
            case ArgumentKind.PollFds: return PollFormatter.ReadPollFds(memory, value, related);
            case ArgumentKind.FdSet: return PollFormatter.ReadFdSet(memory, value, (int)(uint)related);
            case ArgumentKind.SelectTimeval: return TimeFormatter.ReadTimeval(memory, value);
            case ArgumentKind.Pselect6Sigmask: return SignalStructFormatter.ReadPselect6Sigmask(memory, value);
            case ArgumentKind.EpollEventIn:
                return (int)(uint)related == EpollConstants.EPOLL_CTL_DEL ? NumberText.Pointer(value) : EpollConstants.ReadEvent(memory, value);
            case ArgumentKind.EpollOp: return EpollConstants.Operations.Format((int)(uint)value);
            case ArgumentKind.EpollFlags: return EpollConstants.CreateFlags.Format(value);
            case ArgumentKind.EventfdFlags: return MiscFlagSets.EventfdFlags.Format(value);
            case ArgumentKind.CloneFlags: return CloneArgsFormatter.FormatCloneFlags(value);
            case ArgumentKind.CloneTls: return CloneArgsFormatter.Tls(context, value);
            case ArgumentKind.CloneChildTid: return CloneArgsFormatter.ChildTid(context, value);
            case ArgumentKind.CloneArgs:
                context.Saved[register] = CloneArgsFormatter.ReadArgs(memory, value, related);
                return Deferred;
            case ArgumentKind.WaitOptions: return ProcessFlagSets.WaitOptions.Format(value);
            case ArgumentKind.RusageWho: return MiscFlagSets.RusageWho.Format((int)(uint)value);
            case ArgumentKind.IdType: return MiscFlagSets.IdTypes.Format((int)(uint)value);
            case ArgumentKind.Resource: return MiscFlagSets.Resources.Format((int)(uint)value);
            case ArgumentKind.RlimitIn: return ProcessStructFormatter.ReadRlimit(memory, value);
            case ArgumentKind.GetrandomFlags: return MiscFlagSets.GetrandomFlags.Format(value);
            case ArgumentKind.CpuSetIn: return ProcessStructFormatter.ReadCpuSet(memory, value, related);
            case ArgumentKind.Personality: return MiscFlagSets.Personality(value);
            case ArgumentKind.PriorityWhich: return MiscFlagSets.PriorityWhich.Format((int)(uint)value);
            case ArgumentKind.GroupsIn: return ProcessStructFormatter.ReadGroups(memory, value, (int)(uint)related);
            case ArgumentKind.Signal: return SignalFormatter.Name((int)(uint)value);
            case ArgumentKind.SigmaskHow: return SignalNames.MaskHow.Format((int)(uint)value);
            case ArgumentKind.SigsetIn: return SignalFormatter.Read(memory, value);
            case ArgumentKind.SigactionIn: return SignalStructFormatter.ReadSigaction(memory, value);
            case ArgumentKind.StackIn: return SignalStructFormatter.ReadStack(memory, value);
            case ArgumentKind.SiginfoIn: return SiginfoFormatter.Read(memory, value);
            case ArgumentKind.SignalfdFlags: return MiscFlagSets.SignalfdFlags.Format(value);
            case ArgumentKind.FutexOp: return FutexOpFormatter.Format((int)(uint)value);
            case ArgumentKind.FutexTimeout: return FutexOpFormatter.FormatTimeout((int)(uint)related, value, memory);
            case ArgumentKind.FutexUaddr2: return FutexOpFormatter.FormatUaddr2((int)(uint)related, value);
            case ArgumentKind.FutexVal3: return FutexOpFormatter.FormatVal3((int)(uint)related, value);
            case ArgumentKind.ClockId: return ClockConstants.ClockIds.Format((int)(uint)value);
            case ArgumentKind.TimerFlags: return ClockConstants.TimerFlags.Format(value);
            case ArgumentKind.TimespecIn: return TimeFormatter.ReadTimespec(memory, value);
            case ArgumentKind.ItimerWhich: return MiscFlagSets.ItimerWhich.Format((int)(uint)value);
            case ArgumentKind.ItimervalIn: return TimeFormatter.ReadItimerval(memory, value);
            case ArgumentKind.ItimerspecIn: return TimeFormatter.ReadItimerspec(memory, value);
            case ArgumentKind.SigeventIn: return SignalStructFormatter.ReadSigevent(memory, value);
            case ArgumentKind.TimerfdFlags: return MiscFlagSets.TimerfdFlags.Format(value);
            case ArgumentKind.TimerfdSettimeFlags: return MiscFlagSets.TimerfdSettimeFlags.Format(value);
            case ArgumentKind.OpenHow: return OpenHowFormatter.Read(memory, value);
            default:
                // Everything else is something the kernel fills in.
                return Deferred;
        }
    }

    /// <summary>The argument's text at exit, for the parameters <see cref="AtEntry"/> deferred; null to leave it out.</summary>
    public static string? AtExit(SyscallParameter parameter, int register, DecodeContext context)
    {
        var memory = context.Memory;
        var value = context.Arguments[register];
        var related = parameter.Related >= 0 ? context.Arguments[parameter.Related] : 0;
        var succeeded = context.Succeeded;
        switch (parameter.Kind)
        {
            case ArgumentKind.BufferOut or ArgumentKind.XattrValueOut:
                return succeeded ? StringArgumentReader.ReadBuffer(memory, value, (ulong)context.ReturnValue) : NumberText.Pointer(value);
            case ArgumentKind.HexBufferOut:
                return succeeded ? StringArgumentReader.ReadBuffer(memory, value, (ulong)context.ReturnValue, forceHex: true) : NumberText.Pointer(value);
            case ArgumentKind.XattrListOut:
                return succeeded && context.ReturnValue > 0 && value != 0
                    ? StringArgumentReader.ReadBuffer(memory, value, (ulong)context.ReturnValue)
                    : NumberText.Pointer(value);
            case ArgumentKind.PathOut:
                return succeeded ? StringArgumentReader.ReadCString(memory, value, StringArgumentReader.PathLimit) : NumberText.Pointer(value);
            case ArgumentKind.FdPairOut: return FdPair(value, context);
            case ArgumentKind.FcntlArgument: return FcntlFormatter.ArgumentAtExit(context, value);
            case ArgumentKind.StatOut: return succeeded ? StatFormatter.ReadStat(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.StatxOut: return succeeded ? StatFormatter.ReadStatx(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.StatfsOut: return succeeded ? StatFormatter.ReadStatfs(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.Dirents64Out or ArgumentKind.DirentsOut:
                return succeeded ? ProcessStructFormatter.ReadDirents(memory, value, context.ReturnValue) : NumberText.Pointer(value);
            case ArgumentKind.OffsetInOut:
                return InOut(context.Saved[register] is long offsetBefore ? Bracketed(offsetBefore) : null,
                    succeeded && TraceeMemoryReads.TryReadUInt64(memory, value, out var offsetAfter) ? Bracketed((long)offsetAfter) : null, value);
            case ArgumentKind.IoctlArgument: return IoctlAtExit((uint)related, value, context);
            case ArgumentKind.PrctlArgument: return PrctlFormatter.Argument(context, register, atExit: true);
            case ArgumentKind.ArchPrctlAddress: return PrctlFormatter.ArchAddress(context, atExit: true);
            case ArgumentKind.SockaddrOut:
                return succeeded && TraceeMemoryReads.TryReadInt32(memory, related, out var filled)
                    ? SockaddrFormatter.Read(memory, value, Math.Min(filled, context.Saved[parameter.Related] as int? ?? filled))
                    : NumberText.Pointer(value);
            case ArgumentKind.SocklenInOut:
            {
                var offeredText = context.Saved[register] is int offered ? "[" + offered.ToString(CultureInfo.InvariantCulture) + "]" : null;
                var returnedText = succeeded && TraceeMemoryReads.TryReadInt32(memory, value, out var returned) ? "[" + returned.ToString(CultureInfo.InvariantCulture) + "]" : null;
                return InOut(offeredText, returnedText, value);
            }
            case ArgumentKind.SocketOptionValueOut:
                return succeeded && TraceeMemoryReads.TryReadInt32(memory, related, out var length)
                    ? OptionValue(memory, value, (uint)length)
                    : NumberText.Pointer(value);
            case ArgumentKind.MsghdrOut:
                return succeeded
                    ? MsghdrFormatter.Read(memory, value, context.ReturnValue, context.Saved[register] as int?)
                    : NumberText.Pointer(value);
            case ArgumentKind.MmsghdrVectorIn:
                // strace shows what was sent once the call returned: the first N entries with their msg_len.
                return MsghdrFormatter.ReadVector(memory, value, (int)(uint)related, succeeded ? (int)context.ReturnValue : 0, dataByLength: false, offeredNameLengths: null);
            case ArgumentKind.MmsghdrVectorOut:
                return succeeded
                    ? MsghdrFormatter.ReadVector(memory, value, (int)context.ReturnValue, (int)context.ReturnValue, dataByLength: true, context.Saved[register] as int[])
                    : NumberText.Pointer(value);
            case ArgumentKind.IovecOut:
                return IovecFormatter.Read(memory, value, related, succeeded ? context.ReturnValue : -1);
            case ArgumentKind.EpollEventsOut:
                return succeeded ? EpollConstants.ReadEvents(memory, value, context.ReturnValue) : NumberText.Pointer(value);
            case ArgumentKind.CloneParentTid: return CloneArgsFormatter.ParentTid(context, value);
            case ArgumentKind.CloneArgs:
                return (context.Saved[register] as string ?? NumberText.Pointer(value)) + CloneArgsFormatter.ReadResult(context);
            case ArgumentKind.WaitStatusOut:
                return succeeded && context.ReturnValue > 0 && TraceeMemoryReads.TryReadInt32(memory, value, out var status)
                    ? WaitStatusFormatter.Format(status)
                    : NumberText.Pointer(value);
            case ArgumentKind.RusageOut: return succeeded ? ProcessStructFormatter.ReadRusage(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.SiginfoOut: return succeeded ? SiginfoFormatter.Read(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.RlimitOut: return succeeded ? ProcessStructFormatter.ReadRlimit(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.UtsnameOut: return succeeded ? ProcessStructFormatter.ReadUtsname(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.SysinfoOut: return succeeded ? ProcessStructFormatter.ReadSysinfo(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.CpuSetOut:
                return succeeded ? ProcessStructFormatter.ReadCpuSet(memory, value, (ulong)context.ReturnValue) : NumberText.Pointer(value);
            case ArgumentKind.GroupsOut:
                // With size 0 the kernel only counts the groups and writes nothing.
                return succeeded && value != 0
                    ? ProcessStructFormatter.ReadGroups(memory, value, (int)(uint)related == 0 ? 0 : context.ReturnValue)
                    : NumberText.Pointer(value);
            case ArgumentKind.IntOut:
                return succeeded && TraceeMemoryReads.TryReadInt32(memory, value, out var number)
                    ? "[" + number.ToString(CultureInfo.InvariantCulture) + "]"
                    : NumberText.Pointer(value);
            case ArgumentKind.SigsetOut: return succeeded ? SignalFormatter.Read(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.SigactionOut: return succeeded ? SignalStructFormatter.ReadSigaction(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.StackOut: return succeeded ? SignalStructFormatter.ReadStack(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.TimespecOut: return succeeded ? TimeFormatter.ReadTimespec(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.TimevalOut: return succeeded ? TimeFormatter.ReadTimeval(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.RemainOut:
                // Only an interrupted sleep fills in the time left; otherwise the memory holds nothing new.
                return context.Interrupted
                    ? TimeFormatter.ReadTimespec(memory, value)
                    : NumberText.Pointer(value);
            case ArgumentKind.ItimervalOut: return succeeded ? TimeFormatter.ReadItimerval(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.ItimerspecOut: return succeeded ? TimeFormatter.ReadItimerspec(memory, value) : NumberText.Pointer(value);
            default:
                return NumberText.Hex(value);
        }
    }

    private static long? SaveInt64(DecodeContext context, int register, ulong address)
    {
        if (address == 0 || !TraceeMemoryReads.TryReadUInt64(context.Memory, address, out var value))
            return null;
        context.Saved[register] = (long)value;
        return (long)value;
    }

    private static string Bracketed(long value) => "[" + value.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>An in/out value as strace shows it: <c>[128 => 16]</c> when the kernel changed it, the
    /// one value when not, the address when neither could be read.</summary>
    private static string InOut(string? before, string? after, ulong address)
    {
        if (before is null)
            return after ?? NumberText.Pointer(address);
        if (after is null || after == before)
            return before;
        return before[..^1] + " => " + after[1..];
    }

    private static string? IoctlAtEntry(uint request, ulong value, ITraceeMemory memory) => IoctlRequests.UseOf(request) switch
    {
        IoctlRequests.Use.None => null,
        IoctlRequests.Use.IntValue => NumberText.Int(value),
        IoctlRequests.Use.IntIn => IntInBrackets(memory, value),
        IoctlRequests.Use.TermiosIn => TermiosFormatter.ReadTermios(memory, value),
        IoctlRequests.Use.WinsizeIn => TermiosFormatter.ReadWinsize(memory, value),
        IoctlRequests.Use.Raw => NumberText.Hex(value),
        _ => Deferred,
    };

    private static string IoctlAtExit(uint request, ulong value, DecodeContext context)
    {
        if (!context.Succeeded)
            return NumberText.Pointer(value);
        return IoctlRequests.UseOf(request) switch
        {
            IoctlRequests.Use.IntOut => IntInBrackets(context.Memory, value),
            IoctlRequests.Use.TermiosOut => TermiosFormatter.ReadTermios(context.Memory, value),
            IoctlRequests.Use.WinsizeOut => TermiosFormatter.ReadWinsize(context.Memory, value),
            _ => NumberText.Hex(value),
        };
    }

    private static string FdPair(ulong address, DecodeContext context)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (!context.Succeeded || !TraceeMemoryReads.TryRead(context.Memory, address, bytes))
            return NumberText.Pointer(address);
        var first = BitConverter.ToInt32(bytes);
        var second = BitConverter.ToInt32(bytes[4..]);
        return FormattableString.Invariant($"[{first}, {second}]");
    }

    private static string StatxFlags(ulong value)
    {
        var sync = StatConstants.StatxSyncTypes.Format((long)(value & StatConstants.StatxSyncTypeMask));
        var rest = value & ~StatConstants.StatxSyncTypeMask;
        return rest == 0 ? sync : sync + "|" + FileFlagSets.AtFlags.Format(rest);
    }

    private static string MapFlags(ulong value)
    {
        var type = MemoryFlagSets.MapTypes.Format((long)(value & MemoryFlagSets.MapTypeMask));
        var rest = value & ~MemoryFlagSets.MapTypeMask;
        return rest == 0 ? type : type + "|" + MemoryFlagSets.MapFlagsWithoutType.Format(rest);
    }

    private static string SocketType(ulong value)
    {
        var type = SocketFlagSets.SocketTypes.Format((long)(value & SocketFlagSets.SocketTypeMask));
        var rest = value & ~SocketFlagSets.SocketTypeMask;
        return rest == 0 ? type : type + "|" + SocketFlagSets.SocketTypeFlags.Format(rest);
    }

    private static string SocketProtocol(int domain, ulong value) => domain switch
    {
        SocketFlagSets.AF_INET or SocketFlagSets.AF_INET6 => SocketFlagSets.IpProtocols.Format((int)(uint)value),
        SocketFlagSets.AF_NETLINK => SocketFlagSets.NetlinkProtocols.Format((int)(uint)value),
        _ => NumberText.Int(value),
    };

    private static string SocketOption(int level, ulong value) => level switch
    {
        SocketFlagSets.SOL_SOCKET => SocketFlagSets.SocketOptions.Format((int)(uint)value),
        SocketFlagSets.SOL_TCP => SocketFlagSets.TcpOptions.Format((int)(uint)value),
        SocketFlagSets.SOL_IP => SocketFlagSets.IpOptions.Format((int)(uint)value),
        SocketFlagSets.SOL_IPV6 => SocketFlagSets.Ipv6Options.Format((int)(uint)value),
        _ => NumberText.Int(value),
    };

    private static string OptionValue(ITraceeMemory memory, ulong address, uint length) =>
        length == sizeof(int)
            ? IntInBrackets(memory, address)
            : StringArgumentReader.ReadBuffer(memory, address, length);

    private static string IntInBrackets(ITraceeMemory memory, ulong address) =>
        TraceeMemoryReads.TryReadInt32(memory, address, out var number)
            ? "[" + number.ToString(CultureInfo.InvariantCulture) + "]"
            : NumberText.Pointer(address);
}
