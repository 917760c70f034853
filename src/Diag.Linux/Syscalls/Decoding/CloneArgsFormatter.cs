using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// clone and clone3 as strace prints them. clone's arguments by name, only those its flags use
/// (<c>child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD,
/// child_tidptr=0x7f...</c>), with the TID the kernel stored for CLONE_PARENT_SETTID; clone3's struct
/// clone_args at entry and what the kernel wrote back at exit: <c>=> {parent_tid=[1234]}</c>.
/// </summary>
internal static class CloneArgsFormatter
{
    private const ulong CLONE_PIDFD = 0x1000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000,
        CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000, CLONE_INTO_CGROUP = 0x200000000;

    /// <summary>offsetofend(struct clone_args, tls): the smallest clone_args the kernel accepts.</summary>
    private const int MinimumSize = 64;
    private const int KnownSize = 88;

    /// <summary>clone's flags: CLONE_* names, then the exit signal kept in the low byte.</summary>
    public static string FormatCloneFlags(ulong flags)
    {
        var signal = (long)(flags & ProcessFlagSets.ExitSignalMask);
        var rest = flags & ~ProcessFlagSets.ExitSignalMask;
        if (rest == 0)
            return SignalFormatter.Name(signal);
        var names = ProcessFlagSets.CloneFlags.Format(rest);
        return signal == 0 ? names : names + "|" + SignalFormatter.Name(signal);
    }

    /// <summary>clone's parent_tid (shown at exit, with CLONE_PARENT_SETTID or CLONE_PIDFD): the TID or
    /// pidfd the kernel stored there.</summary>
    public static string? ParentTid(DecodeContext context, ulong address)
    {
        var flags = context.Arguments[0];
        if ((flags & (CLONE_PARENT_SETTID | CLONE_PIDFD)) == 0)
            return null;
        return context.Succeeded && TraceeMemoryReads.TryReadInt32(context.Memory, address, out var value)
            ? "[" + value.ToString(CultureInfo.InvariantCulture) + "]"
            : NumberText.Pointer(address);
    }

    public static string? Tls(DecodeContext context, ulong value) =>
        (context.Arguments[0] & CLONE_SETTLS) != 0 ? NumberText.Pointer(value) : null;

    public static string? ChildTid(DecodeContext context, ulong value) =>
        (context.Arguments[0] & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) != 0 ? NumberText.Pointer(value) : null;

    /// <summary>clone3's struct clone_args at entry, in strace's field order: pidfd, child_tid and
    /// parent_tid only when the flags use them, tls with CLONE_SETTLS.</summary>
    public static string ReadArgs(ITraceeMemory memory, ulong address, ulong size)
    {
        if (address == 0)
            return "NULL";
        if (size < MinimumSize)
            return NumberText.Hex(address);
        Span<byte> args = stackalloc byte[KnownSize];
        var fetched = args[..(int)Math.Min(size, KnownSize)];
        if (!TraceeMemoryReads.TryRead(memory, address, fetched))
        {
            // The cgroup-era tail may end the mapping; the fields up to tls are what matter.
            fetched = args[..MinimumSize];
            if (!TraceeMemoryReads.TryRead(memory, address, fetched))
                return NumberText.Hex(address);
        }
        var flags = Field(args, 0);
        var text = new StringBuilder("{flags=").Append(ProcessFlagSets.CloneFlags.Format(flags));
        if ((flags & CLONE_PIDFD) != 0)
            text.Append(", pidfd=").Append(NumberText.Pointer(Field(args, 1)));
        if ((flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) != 0)
            text.Append(", child_tid=").Append(NumberText.Pointer(Field(args, 2)));
        if ((flags & CLONE_PARENT_SETTID) != 0)
            text.Append(", parent_tid=").Append(NumberText.Pointer(Field(args, 3)));
        var exitSignal = Field(args, 4);
        text.Append(", exit_signal=").Append(exitSignal < int.MaxValue ? SignalFormatter.Name((long)exitSignal) : exitSignal.ToString(CultureInfo.InvariantCulture))
            .Append(", stack=").Append(NumberText.Pointer(Field(args, 5)))
            .Append(", stack_size=").Append(NumberText.Hex(Field(args, 6)));
        if ((flags & CLONE_SETTLS) != 0)
            text.Append(", tls=").Append(NumberText.Pointer(Field(args, 7)));
        if (fetched.Length >= KnownSize && (Field(args, 10) != 0 || (flags & CLONE_INTO_CGROUP) != 0))
            text.Append(", cgroup=").Append(Field(args, 10).ToString(CultureInfo.InvariantCulture));
        return text.Append('}').ToString();
    }

    /// <summary>What the kernel wrote back into clone3's arguments: <c> => {pidfd=[5], parent_tid=[1234]}</c>,
    /// empty when nothing.</summary>
    public static string ReadResult(DecodeContext context)
    {
        var address = context.Arguments[0];
        if (!context.Succeeded || context.Arguments[1] < MinimumSize || address == 0)
            return "";
        Span<byte> args = stackalloc byte[MinimumSize];
        if (!TraceeMemoryReads.TryRead(context.Memory, address, args))
            return "";
        var flags = Field(args, 0);
        var parts = new List<string>(2);
        if ((flags & CLONE_PIDFD) != 0 && TraceeMemoryReads.TryReadInt32(context.Memory, Field(args, 1), out var pidfd))
            parts.Add("pidfd=[" + pidfd.ToString(CultureInfo.InvariantCulture) + "]");
        if ((flags & CLONE_PARENT_SETTID) != 0 && TraceeMemoryReads.TryReadInt32(context.Memory, Field(args, 3), out var tid))
            parts.Add("parent_tid=[" + tid.ToString(CultureInfo.InvariantCulture) + "]");
        return parts.Count == 0 ? "" : " => {" + string.Join(", ", parts) + "}";
    }

    private static ulong Field(ReadOnlySpan<byte> clone_args, int index) =>
        BinaryPrimitives.ReadUInt64LittleEndian(clone_args[(index * 8)..]);
}
