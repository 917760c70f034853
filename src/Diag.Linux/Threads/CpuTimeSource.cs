namespace Diag.Linux.Threads;

/// <summary>Where a thread's CpuPercent and CpuTime come from (engine-internal; samples carry the name
/// as a string in <see cref="ThreadCpuSample.CpuTimeSource"/>).</summary>
internal enum CpuTimeSource
{
    /// <summary>The scheduler's nanosecond run time (sum_exec_runtime) from <c>/proc/…/schedstat</c>: precise to the nanosecond.</summary>
    Schedstat,
    /// <summary>utime + stime in clock ticks (<c>/proc/…/stat</c>), 10 ms resolution: the kernel has no schedstat.</summary>
    ClockTicks,
    /// <summary>The same nanosecond run time as <see cref="Schedstat"/>, read through the kernel's taskstats
    /// netlink interface (needs CAP_NET_ADMIN, so root): cheaper per thread than /proc files.</summary>
    Taskstats,
}

internal static class CpuTimeSourceNames
{
    /// <summary>The name samples carry; constant strings, so no allocation per thread.</summary>
    public static string Name(this CpuTimeSource source) => source switch
    {
        CpuTimeSource.Schedstat => nameof(CpuTimeSource.Schedstat),
        CpuTimeSource.Taskstats => nameof(CpuTimeSource.Taskstats),
        _ => nameof(CpuTimeSource.ClockTicks),
    };
}
