using System.Buffers.Binary;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>clone flags (CLONE_VM|...|SIGCHLD) and clone3's struct clone_args.</summary>
internal static class CloneArgsFormatter
{
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

    /// <summary>struct clone_args { u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls; ... }
    /// in strace's field order; pidfd only with CLONE_PIDFD, the cgroup-era tail left out.</summary>
    public static string Read(ITraceeMemory memory, ulong address, ulong size)
    {
        if (address == 0)
            return "NULL";
        const int Known = 64;
        if (size < Known)
            return NumberText.Hex(address);
        Span<byte> bytes = stackalloc byte[Known];
        if (!TraceeMemoryReads.TryRead(memory, address, bytes))
            return NumberText.Hex(address);
        var flags = Field(bytes, 0);
        var pidfd = (flags & ProcessFlagSets.CLONE_PIDFD) != 0 ? ", pidfd=" + NumberText.Pointer(Field(bytes, 1)) : "";
        return "{flags=" + ProcessFlagSets.CloneFlags.Format(flags)
            + pidfd
            + ", child_tid=" + NumberText.Pointer(Field(bytes, 2))
            + ", parent_tid=" + NumberText.Pointer(Field(bytes, 3))
            + ", exit_signal=" + SignalFormatter.Name((long)Field(bytes, 4))
            + ", stack=" + NumberText.Pointer(Field(bytes, 5))
            + ", stack_size=" + NumberText.Hex(Field(bytes, 6))
            + ", tls=" + NumberText.Hex(Field(bytes, 7)) + "}";
    }

    private static ulong Field(ReadOnlySpan<byte> clone_args, int index) =>
        BinaryPrimitives.ReadUInt64LittleEndian(clone_args[(index * 8)..]);
}
