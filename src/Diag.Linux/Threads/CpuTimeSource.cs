namespace Diag.Linux.Threads;

/// <summary>Where a <see cref="ThreadCpuSample"/>'s CpuPercent and CpuTime come from.</summary>
public enum CpuTimeSource
{
    /// <summary>The scheduler's nanosecond run time (<c>/proc/…/schedstat</c>): precise to the nanosecond.</summary>
    Schedstat,
    /// <summary>utime + stime in clock ticks (<c>/proc/…/stat</c>), 10 ms resolution: the kernel has no schedstat.</summary>
    ClockTicks,
}
