using Diag.Linux.Interop;

namespace Diag.Linux.KernelLog;

/// <summary>Turns the kernel log's timestamps (time since boot on the monotonic clock, what dmesg prints in brackets)
/// into local times and back, as <c>dmesg -T</c> does (and with its caveat: time spent suspended is not counted).</summary>
internal static class KernelLogClock
{
    /// <summary>The monotonic clock now.</summary>
    public static unsafe TimeSpan Now()
    {
        Libc.TimeSpec now;
        return Libc.ClockGetTime(Libc.CLOCK_MONOTONIC, &now) == 0
            ? TimeSpan.FromTicks(now.Seconds * TimeSpan.TicksPerSecond + now.Nanoseconds / 100)
            : TimeSpan.Zero;
    }

    public static DateTime ToLocalTime(TimeSpan sinceBoot) => DateTime.Now - (Now() - sinceBoot);
}
