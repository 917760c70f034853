using Diag.Linux.Interop;

namespace Diag.Linux.Exits;

/// <summary>Kernel timestamps as local times: boot-relative ones (a process's start in /proc/PID/stat, with the
/// resolution of clock ticks rather than btime's whole seconds) and monotonic ones (the process connector's).</summary>
internal static unsafe class KernelTime
{
    public static DateTime FromBootTime(TimeSpan sinceBoot) => DateTime.Now - (Now(Libc.CLOCK_BOOTTIME) - sinceBoot);

    public static DateTime FromMonotonic(ulong nanoseconds) => DateTime.Now - (Now(Libc.CLOCK_MONOTONIC) - TimeSpan.FromTicks((long)(nanoseconds / 100)));

    private static TimeSpan Now(int clock)
    {
        Libc.TimeSpec ts;
        Libc.ClockGetTime(clock, &ts);
        return TimeSpan.FromTicks(ts.Seconds * TimeSpan.TicksPerSecond + ts.Nanoseconds / 100);
    }
}
