namespace Diag.Linux.Threads;

/// <summary>Where a <see cref="ThreadCpuSample"/>'s CpuPercent and CpuTime come from.</summary>
public enum CpuTimeSource
{
    /// <summary>The scheduler's nanosecond run time (sum_exec_runtime) from <c>/proc/…/schedstat</c>: precise to the nanosecond.</summary>
    Schedstat,
    /// <summary>utime + stime in clock ticks (<c>/proc/…/stat</c>), 10 ms resolution: the kernel has no schedstat.</summary>
    ClockTicks,
    /// <summary>The same nanosecond run time as <see cref="Schedstat"/>, read through the kernel's taskstats
    /// netlink interface (needs CAP_NET_ADMIN, so root): cheaper per thread than /proc files.</summary>
    Taskstats,
}
