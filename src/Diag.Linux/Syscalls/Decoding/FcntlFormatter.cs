using System.Buffers.Binary;
using System.Globalization;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// fcntl's third argument per command and what strace adds to its return value: the flags F_GETFL and
/// F_GETFD return (<c>0x8002 (flags O_RDWR|O_LARGEFILE)</c>), the seals of F_GET_SEALS, the lease of
/// F_GETLEASE; struct flock for the lock commands (<c>{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0,
/// l_len=0}</c>), with F_GETLK's answer read at exit.
/// </summary>
internal static class FcntlFormatter
{
    private static readonly ValueNames LockTypes = new(("F_RDLCK", 0), ("F_WRLCK", 1), ("F_UNLCK", 2));

    private static readonly FlagSet Seals = new("0",
        ("F_SEAL_SEAL", 0x1), ("F_SEAL_SHRINK", 0x2), ("F_SEAL_GROW", 0x4), ("F_SEAL_WRITE", 0x8),
        ("F_SEAL_FUTURE_WRITE", 0x10), ("F_SEAL_EXEC", 0x20));

    private static readonly FlagSet NotifyFlags = new("0",
        ("DN_ACCESS", 0x1), ("DN_MODIFY", 0x2), ("DN_CREATE", 0x4), ("DN_DELETE", 0x8), ("DN_RENAME", 0x10),
        ("DN_ATTRIB", 0x20), ("DN_MULTISHOT", 0x80000000));

    public static bool ReadsAtExit(int command) => command is FcntlCommands.F_GETLK or FcntlCommands.F_OFD_GETLK;

    /// <summary>The argument at entry, or null when the command takes none (the F_GET* commands).</summary>
    public static string? Argument(int command, ulong value, ITraceeMemory memory) => command switch
    {
        FcntlCommands.F_GETFD or FcntlCommands.F_GETFL or FcntlCommands.F_GETOWN or FcntlCommands.F_GETSIG
            or FcntlCommands.F_GETLEASE or FcntlCommands.F_GETPIPE_SZ or FcntlCommands.F_GET_SEALS => null,
        FcntlCommands.F_SETFL => OpenFlagsFormatter.Format(value),
        FcntlCommands.F_SETFD => FileFlagSets.FdFlags.Format(value),
        FcntlCommands.F_SETLK or FcntlCommands.F_SETLKW or FcntlCommands.F_OFD_SETLK or FcntlCommands.F_OFD_SETLKW
            => ReadFlock(memory, value, withPid: false),
        FcntlCommands.F_SETLEASE => LockTypes.Format((long)(uint)value),
        FcntlCommands.F_ADD_SEALS => Seals.Format((uint)value),
        FcntlCommands.F_NOTIFY => NotifyFlags.Format((uint)value),
        FcntlCommands.F_SETSIG => SignalFormatter.Name((uint)value),
        FcntlCommands.F_DUPFD or FcntlCommands.F_DUPFD_CLOEXEC or FcntlCommands.F_SETOWN
            or FcntlCommands.F_SETPIPE_SZ => NumberText.Int(value),
        _ => NumberText.Pointer(value),
    };

    /// <summary>F_GETLK's struct flock as the kernel filled it (with l_pid of the process holding the lock).</summary>
    public static string ArgumentAtExit(DecodeContext context, ulong value) =>
        context.Succeeded ? ReadFlock(context.Memory, value, withPid: true) : NumberText.Pointer(value);

    public static string ReadFlock(ITraceeMemory memory, ulong address, bool withPid)
    {
        Span<byte> f = stackalloc byte[32];
        if (address == 0 || !TraceeMemoryReads.TryRead(memory, address, f))
            return NumberText.Pointer(address);
        var text = "{l_type=" + LockTypes.Format(BinaryPrimitives.ReadInt16LittleEndian(f))
            + ", l_whence=" + FileFlagSets.SeekWhence.Format(BinaryPrimitives.ReadInt16LittleEndian(f[2..]))
            + ", l_start=" + BinaryPrimitives.ReadInt64LittleEndian(f[8..]).ToString(CultureInfo.InvariantCulture)
            + ", l_len=" + BinaryPrimitives.ReadInt64LittleEndian(f[16..]).ToString(CultureInfo.InvariantCulture);
        if (withPid)
            text += ", l_pid=" + BinaryPrimitives.ReadInt32LittleEndian(f[24..]).ToString(CultureInfo.InvariantCulture);
        return text + "}";
    }

    /// <summary>The return value as strace prints it for commands that return flags, or null (plain decimal).</summary>
    public static string? Return(int command, long value) => command switch
    {
        FcntlCommands.F_GETFL => NumberText.Hex((ulong)value) + " (flags " + OpenFlagsFormatter.Format((ulong)value) + ")",
        FcntlCommands.F_GETFD => value == 0 ? "0" : NumberText.Hex((ulong)value) + " (flags " + FileFlagSets.FdFlags.Format((ulong)value) + ")",
        FcntlCommands.F_GET_SEALS => NumberText.Hex((ulong)value) + " (seals " + Seals.Format((ulong)value) + ")",
        FcntlCommands.F_GETLEASE => NumberText.Hex((ulong)value) + " (" + LockTypes.Format(value) + ")",
        FcntlCommands.F_GETSIG => value == 0 ? "0" : value.ToString(CultureInfo.InvariantCulture) + " (" + SignalFormatter.Name(value) + ")",
        _ => null,
    };
}
