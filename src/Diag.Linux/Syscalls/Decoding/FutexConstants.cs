// Values generated from the x86_64 Linux UAPI headers in /usr/include (linux/futex.h) with a C program
// printing each macro, so they are the compiler's values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>futex operations and modifiers.</summary>
internal static class FutexConstants
{
    /// <summary>Futex commands (op &amp; FUTEX_CMD_MASK).</summary>
    public static readonly ValueNames Commands = new(
        ("FUTEX_WAIT", 0),
        ("FUTEX_WAKE", 1),
        ("FUTEX_FD", 2),
        ("FUTEX_REQUEUE", 3),
        ("FUTEX_CMP_REQUEUE", 4),
        ("FUTEX_WAKE_OP", 5),
        ("FUTEX_LOCK_PI", 6),
        ("FUTEX_UNLOCK_PI", 7),
        ("FUTEX_TRYLOCK_PI", 8),
        ("FUTEX_WAIT_BITSET", 9),
        ("FUTEX_WAKE_BITSET", 10),
        ("FUTEX_WAIT_REQUEUE_PI", 11),
        ("FUTEX_CMP_REQUEUE_PI", 12),
        ("FUTEX_LOCK_PI2", 13));

    public const int FUTEX_WAIT = 0;
    public const int FUTEX_WAKE = 1;
    public const int FUTEX_FD = 2;
    public const int FUTEX_REQUEUE = 3;
    public const int FUTEX_CMP_REQUEUE = 4;
    public const int FUTEX_WAKE_OP = 5;
    public const int FUTEX_LOCK_PI = 6;
    public const int FUTEX_UNLOCK_PI = 7;
    public const int FUTEX_TRYLOCK_PI = 8;
    public const int FUTEX_WAIT_BITSET = 9;
    public const int FUTEX_WAKE_BITSET = 10;
    public const int FUTEX_WAIT_REQUEUE_PI = 11;
    public const int FUTEX_CMP_REQUEUE_PI = 12;
    public const int FUTEX_LOCK_PI2 = 13;
    public const int FUTEX_PRIVATE_FLAG = 128;
    public const int FUTEX_CLOCK_REALTIME = 256;
}
