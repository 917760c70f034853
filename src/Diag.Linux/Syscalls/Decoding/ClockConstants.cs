// Values generated from the x86_64 Linux UAPI headers in /usr/include (linux/time.h) with a C program
// printing each macro, so they are the compiler's values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Clock ids and timer flags.</summary>
internal static class ClockConstants
{
    /// <summary>Clock ids.</summary>
    public static readonly ValueNames ClockIds = new(
        ("CLOCK_REALTIME", 0),
        ("CLOCK_MONOTONIC", 1),
        ("CLOCK_PROCESS_CPUTIME_ID", 2),
        ("CLOCK_THREAD_CPUTIME_ID", 3),
        ("CLOCK_MONOTONIC_RAW", 4),
        ("CLOCK_REALTIME_COARSE", 5),
        ("CLOCK_MONOTONIC_COARSE", 6),
        ("CLOCK_BOOTTIME", 7),
        ("CLOCK_REALTIME_ALARM", 8),
        ("CLOCK_BOOTTIME_ALARM", 9),
        ("CLOCK_TAI", 11));

    /// <summary>clock_nanosleep/timer_settime flags.</summary>
    public static readonly FlagSet TimerFlags = new("0",
        ("TIMER_ABSTIME", 0x1));
}
