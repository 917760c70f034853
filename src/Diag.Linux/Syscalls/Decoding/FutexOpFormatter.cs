namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// futex as strace prints it: the op as FUTEX_WAIT_PRIVATE or FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME,
/// and only the arguments that op uses (futex(2)): FUTEX_WAKE shows three, FUTEX_WAIT four,
/// FUTEX_WAIT_BITSET five (no uaddr2), the requeue ops all six.
/// </summary>
internal static class FutexOpFormatter
{
    private const int CommandMask = ~(FutexConstants.FUTEX_PRIVATE_FLAG | FutexConstants.FUTEX_CLOCK_REALTIME);
    private const uint BitsetMatchAny = 0xffffffff;

    public static int Command(int op) => op & CommandMask;

    public static string Format(int op)
    {
        var command = Command(op);
        var text = FutexConstants.Commands.TryGetName(command, out var name)
            ? name
            : command.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if ((op & FutexConstants.FUTEX_PRIVATE_FLAG) != 0)
            text += "_PRIVATE";
        if ((op & FutexConstants.FUTEX_CLOCK_REALTIME) != 0)
            text += "|FUTEX_CLOCK_REALTIME";
        return text;
    }

    /// <summary>The 4th argument: a timeout for the waiting ops, val2 (a count) for the requeue and
    /// wake-op ops, nothing for the plain wakes.</summary>
    public static string? FormatTimeout(int op, ulong value, ITraceeMemory memory) => Command(op) switch
    {
        FutexConstants.FUTEX_WAIT or FutexConstants.FUTEX_LOCK_PI or FutexConstants.FUTEX_LOCK_PI2
            or FutexConstants.FUTEX_WAIT_BITSET or FutexConstants.FUTEX_WAIT_REQUEUE_PI => TimeFormatter.ReadTimespec(memory, value),
        FutexConstants.FUTEX_REQUEUE or FutexConstants.FUTEX_CMP_REQUEUE or FutexConstants.FUTEX_CMP_REQUEUE_PI
            or FutexConstants.FUTEX_WAKE_OP => NumberText.UInt((uint)value),
        FutexConstants.FUTEX_WAKE or FutexConstants.FUTEX_WAKE_BITSET or FutexConstants.FUTEX_UNLOCK_PI
            or FutexConstants.FUTEX_TRYLOCK_PI or FutexConstants.FUTEX_FD => null,
        _ => NumberText.Hex(value),
    };

    /// <summary>uaddr2: only the ops that move waiters to (or operate on) a second futex use it.</summary>
    public static string? FormatUaddr2(int op, ulong value) => Command(op) switch
    {
        FutexConstants.FUTEX_REQUEUE or FutexConstants.FUTEX_CMP_REQUEUE or FutexConstants.FUTEX_CMP_REQUEUE_PI
            or FutexConstants.FUTEX_WAKE_OP or FutexConstants.FUTEX_WAIT_REQUEUE_PI => NumberText.Pointer(value),
        FutexConstants.FUTEX_WAIT or FutexConstants.FUTEX_WAKE or FutexConstants.FUTEX_WAIT_BITSET
            or FutexConstants.FUTEX_WAKE_BITSET or FutexConstants.FUTEX_LOCK_PI or FutexConstants.FUTEX_LOCK_PI2
            or FutexConstants.FUTEX_UNLOCK_PI or FutexConstants.FUTEX_TRYLOCK_PI or FutexConstants.FUTEX_FD => null,
        _ => NumberText.Hex(value),
    };

    /// <summary>val3: the bitset (FUTEX_BITSET_MATCH_ANY by name), CMP_REQUEUE's compare value, or WAKE_OP's encoded op.</summary>
    public static string? FormatVal3(int op, ulong value) => Command(op) switch
    {
        FutexConstants.FUTEX_WAIT_BITSET or FutexConstants.FUTEX_WAKE_BITSET =>
            (uint)value == BitsetMatchAny ? "FUTEX_BITSET_MATCH_ANY" : NumberText.Hex((uint)value),
        FutexConstants.FUTEX_CMP_REQUEUE or FutexConstants.FUTEX_CMP_REQUEUE_PI => NumberText.UInt((uint)value),
        FutexConstants.FUTEX_WAKE_OP => NumberText.Hex((uint)value),
        FutexConstants.FUTEX_WAIT_REQUEUE_PI or FutexConstants.FUTEX_WAIT or FutexConstants.FUTEX_WAKE or FutexConstants.FUTEX_LOCK_PI
            or FutexConstants.FUTEX_LOCK_PI2 or FutexConstants.FUTEX_UNLOCK_PI or FutexConstants.FUTEX_TRYLOCK_PI
            or FutexConstants.FUTEX_REQUEUE or FutexConstants.FUTEX_FD => null,
        _ => NumberText.Hex(value),
    };
}
