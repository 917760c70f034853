using Diag.Linux.Interop;

namespace Diag.Linux.PacketDrops;

/// <summary>Turns the program's timestamps (bpf_ktime_get_ns: CLOCK_MONOTONIC nanoseconds) into local times, from one
/// pair of readings of both clocks taken at the start.</summary>
internal sealed unsafe class DropClock
{
    private readonly DateTime _wallAtStart;
    private readonly long _monotonicAtStart;

    public DropClock()
    {
        _monotonicAtStart = MonotonicNanoseconds();
        _wallAtStart = DateTime.Now;
    }

    public DateTime ToLocalTime(ulong monotonicNanoseconds) =>
        _wallAtStart.AddTicks(((long)monotonicNanoseconds - _monotonicAtStart) / 100);

    public static long MonotonicNanoseconds()
    {
        Libc.TimeSpec now;
        if (Libc.ClockGetTime(Libc.CLOCK_MONOTONIC, &now) != 0)
            throw SyscallException.FromLastError("clock_gettime(CLOCK_MONOTONIC)");
        return now.Seconds * 1_000_000_000 + now.Nanoseconds;
    }
}
