namespace Diag.Linux.ProcFs;

/// <summary><c>/proc/PID/task/TID/schedstat</c>: "run_ns wait_ns timeslices". The first field is the
/// scheduler's nanosecond on-CPU time (sum_exec_runtime), far finer than stat's clock ticks.
/// The file is missing on kernels built without CONFIG_SCHED_INFO.</summary>
internal static class TaskSchedStat
{
    public static bool TryParseRunTime(ReadOnlySpan<byte> content, out long runNanoseconds)
    {
        int used = ProcNumber.Parse(content, out runNanoseconds);
        return used > 0 && runNanoseconds >= 0;
    }
}
