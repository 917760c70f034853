using System.Globalization;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Turns one raw argument into strace-like text according to its parameter's kind.</summary>
internal static class ArgumentFormatter
{
    /// <summary>The argument's text, or null when strace would leave it out (open's mode without
    /// O_CREAT, fcntl's unused argument).</summary>
    public static string? Format(SyscallParameter parameter, ulong value, DecodeContext context)
    {
        var memory = context.Memory;
        var related = parameter.Related >= 0 ? context.Arguments[parameter.Related] : 0;
        switch (parameter.Kind)
        {
            case ArgumentKind.Hex: return NumberText.Hex(value);
            case ArgumentKind.Pointer: return NumberText.Pointer(value);
            case ArgumentKind.Int: return NumberText.Int(value);
            case ArgumentKind.UInt: return NumberText.UInt(value);
            case ArgumentKind.Long: return NumberText.Long(value);
            case ArgumentKind.Fd: return NumberText.Int(value);
            case ArgumentKind.DirFd:
                return (int)(uint)value == FileFlagSets.AtFdCwd ? "AT_FDCWD" : NumberText.Int(value);
            case ArgumentKind.PathIn: return StringArgumentReader.ReadCString(memory, value, StringArgumentReader.PathLimit);
            case ArgumentKind.StringIn: return StringArgumentReader.ReadCString(memory, value, StringArgumentReader.DefaultLimit);
            case ArgumentKind.BufferIn: return StringArgumentReader.ReadBuffer(memory, value, related);
            case ArgumentKind.BufferOut:
                return context.Succeeded
                    ? StringArgumentReader.ReadBuffer(memory, value, (ulong)context.ReturnValue)
                    : NumberText.Pointer(value);
            case ArgumentKind.PathOut:
                return context.Succeeded
                    ? StringArgumentReader.ReadCString(memory, value, StringArgumentReader.PathLimit)
                    : NumberText.Pointer(value);
            case ArgumentKind.Mode: return NumberText.Octal(value);
            case ArgumentKind.OpenMode: return OpenFlagsFormatter.UsesMode(related) ? NumberText.Octal(value) : null;
            case ArgumentKind.OpenFlags: return OpenFlagsFormatter.Format(value);
            case ArgumentKind.AtFlags: return FileFlagSets.AtFlags.Format(value);
            case ArgumentKind.UnlinkAtFlags: return FileFlagSets.UnlinkAtFlags.Format(value);
            case ArgumentKind.FaccessatFlags: return FileFlagSets.FaccessatFlags.Format(value);
            case ArgumentKind.AccessMode: return FileFlagSets.AccessModeBits.Format(value);
            case ArgumentKind.SeekWhence: return FileFlagSets.SeekWhence.Format((int)(uint)value);
            case ArgumentKind.RenameFlags: return FileFlagSets.RenameFlags.Format(value);
            case ArgumentKind.CloexecFlags: return FileFlagSets.CloexecFlags.Format(value);
            case ArgumentKind.Pipe2Flags: return FileFlagSets.Pipe2Flags.Format(value);
            case ArgumentKind.FdPairOut: return FdPair(value, context);
            case ArgumentKind.FcntlCommand: return FcntlCommands.Names.Format((int)(uint)value);
            case ArgumentKind.FcntlArgument: return FcntlArgument((int)(uint)related, value);
            case ArgumentKind.Protection: return MemoryFlagSets.Protection.Format(value);
            case ArgumentKind.MapFlags: return MapFlags(value);
            case ArgumentKind.RemapFlags: return MemoryFlagSets.RemapFlags.Format(value);
            case ArgumentKind.Advice: return MemoryFlagSets.Advice.Format((int)(uint)value);
            case ArgumentKind.AddressFamily: return SocketFlagSets.AddressFamilies.Format((int)(uint)value);
            case ArgumentKind.SocketType: return SocketType(value);
            case ArgumentKind.SocketFlags: return SocketFlagSets.SocketTypeFlags.Format(value);
            case ArgumentKind.SocketProtocol:
                return (int)related is SocketFlagSets.AF_INET or SocketFlagSets.AF_INET6
                    ? SocketFlagSets.IpProtocols.Format((int)(uint)value)
                    : NumberText.Int(value);
            case ArgumentKind.SockaddrIn: return SockaddrFormatter.Read(memory, value, (uint)related);
            case ArgumentKind.SockaddrOut:
                return context.Succeeded && TraceeMemoryReads.TryReadInt32(memory, related, out var filled)
                    ? SockaddrFormatter.Read(memory, value, filled)
                    : NumberText.Pointer(value);
            case ArgumentKind.IntPointer: return IntInBrackets(memory, value);
            case ArgumentKind.MessageFlags: return SocketFlagSets.MessageFlags.Format(value);
            case ArgumentKind.ShutdownHow: return SocketFlagSets.ShutdownHow.Format((int)(uint)value);
            case ArgumentKind.SocketLevel: return SocketFlagSets.SocketLevels.Format((int)(uint)value);
            case ArgumentKind.SocketOption: return SocketOption((int)(uint)related, value);
            case ArgumentKind.SocketOptionValueIn: return OptionValue(memory, value, (uint)related);
            case ArgumentKind.SocketOptionValueOut:
                return context.Succeeded && TraceeMemoryReads.TryReadInt32(memory, related, out var length)
                    ? OptionValue(memory, value, (uint)length)
                    : NumberText.Pointer(value);
            case ArgumentKind.CloneFlags: return CloneArgsFormatter.FormatCloneFlags(value);
            case ArgumentKind.CloneArgs: return CloneArgsFormatter.Read(memory, value, related);
            case ArgumentKind.WaitOptions: return ProcessFlagSets.WaitOptions.Format(value);
            case ArgumentKind.WaitStatusOut:
                return context.Succeeded && context.ReturnValue > 0 && TraceeMemoryReads.TryReadInt32(memory, value, out var status)
                    ? WaitStatusFormatter.Format(status)
                    : NumberText.Pointer(value);
            case ArgumentKind.Signal: return SignalFormatter.Name((int)(uint)value);
            case ArgumentKind.SigmaskHow: return SignalNames.MaskHow.Format((int)(uint)value);
            case ArgumentKind.SigsetIn: return SignalFormatter.Read(memory, value);
            case ArgumentKind.SigsetOut: return context.Succeeded ? SignalFormatter.Read(memory, value) : NumberText.Pointer(value);
            case ArgumentKind.FutexOp: return FutexOpFormatter.Format((int)(uint)value);
            case ArgumentKind.FutexTimeout: return FutexOpFormatter.FormatTimeout((int)(uint)related, value, memory);
            case ArgumentKind.FutexUaddr2: return FutexOpFormatter.FormatUaddr2((int)(uint)related, value);
            case ArgumentKind.FutexVal3: return FutexOpFormatter.FormatVal3((int)(uint)related, value);
            case ArgumentKind.EpollOp: return EpollConstants.Operations.Format((int)(uint)value);
            case ArgumentKind.EpollFlags: return EpollConstants.CreateFlags.Format(value);
            case ArgumentKind.ClockId: return ClockConstants.ClockIds.Format((int)(uint)value);
            case ArgumentKind.TimerFlags: return ClockConstants.TimerFlags.Format(value);
            case ArgumentKind.TimespecIn: return TimespecFormatter.Read(memory, value);
            case ArgumentKind.Argv: return StringArrayFormatter.ReadArgv(memory, value);
            case ArgumentKind.Envp: return StringArrayFormatter.ReadEnvp(memory, value);
            case ArgumentKind.OpenHow: return OpenHowFormatter.Read(memory, value);
            default: return NumberText.Hex(value);
        }
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

    private static string? FcntlArgument(int command, ulong value) => command switch
    {
        FcntlCommands.F_GETFD or FcntlCommands.F_GETFL or FcntlCommands.F_GETOWN or FcntlCommands.F_GETSIG
            or FcntlCommands.F_GETLEASE or FcntlCommands.F_GETPIPE_SZ or FcntlCommands.F_GET_SEALS => null,
        FcntlCommands.F_SETFL => OpenFlagsFormatter.Format(value),
        FcntlCommands.F_SETFD => FileFlagSets.FdFlags.Format(value),
        FcntlCommands.F_DUPFD or FcntlCommands.F_DUPFD_CLOEXEC or FcntlCommands.F_SETOWN or FcntlCommands.F_SETSIG
            or FcntlCommands.F_SETLEASE or FcntlCommands.F_NOTIFY or FcntlCommands.F_SETPIPE_SZ
            or FcntlCommands.F_ADD_SEALS => NumberText.Int(value),
        _ => NumberText.Pointer(value),
    };

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

    private static string SocketOption(int level, ulong value) => level switch
    {
        SocketFlagSets.SOL_SOCKET => SocketFlagSets.SocketOptions.Format((int)(uint)value),
        SocketFlagSets.SOL_TCP => SocketFlagSets.TcpOptions.Format((int)(uint)value),
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
