using Diag.Linux.Interop;

namespace Diag.Linux.ProcessEvents;

/// <summary>Turns the kernel's CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns, task start times, the process
/// connector's timestamps) into local times: the offset to the wall clock is read once, when the watch starts.</summary>
internal sealed unsafe class EventClock
{
    private readonly DateTime _wallAtZero;

    public EventClock()
    {
        var monotonic = Now;
        _wallAtZero = DateTime.UtcNow.AddTicks(-(long)(monotonic / 100));
    }

    /// <summary>CLOCK_MONOTONIC now, in nanoseconds.</summary>
    public static ulong Now
    {
        get
        {
            Libc.TimeSpec ts;
            Libc.ClockGetTime(Libc.CLOCK_MONOTONIC, &ts);
            return (ulong)ts.Seconds * 1_000_000_000UL + (ulong)ts.Nanoseconds;
        }
    }

    public DateTime ToLocal(ulong monotonicNanoseconds) => _wallAtZero.AddTicks((long)(monotonicNanoseconds / 100)).ToLocalTime();
}
