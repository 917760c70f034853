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
    /// <summary>The same nanosecond run time (sum_exec_runtime), with every other field, read from the kernel's
    /// task structures by a BPF task iterator in one pass (root, or CAP_BPF and CAP_PERFMON): no file per thread.</summary>
    TaskIterator,
}

internal static class CpuTimeSourceNames
{
    /// <summary>The name samples carry; constant strings, so no allocation per thread.</summary>
    public static string Name(this CpuTimeSource source) => source switch
    {
        CpuTimeSource.Schedstat => nameof(CpuTimeSource.Schedstat),
        CpuTimeSource.Taskstats => nameof(CpuTimeSource.Taskstats),
        CpuTimeSource.TaskIterator => nameof(CpuTimeSource.TaskIterator),
        _ => nameof(CpuTimeSource.ClockTicks),
    };
}

/// <summary>The ways a sampler may read threads, from the one every user has to the one that costs least:
/// each includes those before it as fallbacks.</summary>
internal enum ThreadSources
{
    /// <summary>/proc files only.</summary>
    Proc,
    /// <summary>taskstats netlink where granted (CAP_NET_ADMIN), else /proc.</summary>
    Taskstats,
    /// <summary>A BPF task iterator where granted (root, or CAP_BPF and CAP_PERFMON), else taskstats, else /proc.</summary>
    TaskIterator,
}
