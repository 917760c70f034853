using Diag.Linux.Output;
namespace Diag.Linux.Tracing;

/// <summary>
/// One row of a syscall summary, like a line of <c>strace -c -w</c>. Times are wall-clock time
/// (CLOCK_MONOTONIC) of each call: with ptrace, between the tracer seeing the syscall-entry stop and the
/// syscall-exit stop (what the traced thread waited for the call, including the kernel's work and any
/// blocking, plus the tracer's own stop overhead); with the kernel backend, between the sys_enter and
/// sys_exit tracepoints (the call alone). Only calls that returned are counted (as strace does:
/// exit_group never returns).
/// </summary>
public sealed class SyscallSummary
{
    /// <summary>Syscall name, e.g. <c>recvfrom</c>.</summary>
    public string Syscall { get; internal init; } = "";

    /// <summary>x86_64 syscall number.</summary>
    public int Number { get; internal init; }

    /// <summary>The process that made the calls; null when the row merges several processes (FollowForks without ByThread).</summary>
    public int? ProcessId { get; internal init; }

    /// <summary>The thread that made the calls; set only with ByThread.</summary>
    public int? ThreadId { get; internal init; }

    /// <summary>Calls that returned.</summary>
    public long Calls { get; internal init; }

    /// <summary>Calls that returned an error (-4095..-1).</summary>
    public long Errors { get; internal init; }

    /// <summary>Errors by errno, most frequent first: <c>EAGAIN=1234 EINTR=2</c>; empty when none.</summary>
    public string ErrorBreakdown { get; internal init; } = "";

    /// <summary>Errors by errno, most frequent first.</summary>
    public ItemList<ErrnoCount> ErrorCounts { get; internal init; } = ItemList<ErrnoCount>.Empty;

    /// <summary>Wall time spent in the calls (entry stop to exit stop).</summary>
    public TimeSpan TotalTime { get; internal init; }

    /// <summary><see cref="TotalTime"/> / <see cref="Calls"/>.</summary>
    public TimeSpan AverageTime { get; internal init; }

    /// <summary>The longest single call.</summary>
    public TimeSpan MaxTime { get; internal init; }

    /// <summary>Share of the summed TotalTime of all rows, 0..100.</summary>
    public double TimePercent { get; internal init; }

    /// <summary>How long the calls took, as log2 buckets from the first to the last non-empty one; empty
    /// when the trace did not time calls.</summary>
    public ItemList<LatencyBucket> LatencyHistogram { get; internal init; } = ItemList<LatencyBucket>.Empty;

    /// <summary>Which backend counted the calls: Ptrace or Kernel (a name, as every Diag property that names a state).</summary>
    public string Backend => BackendValue.ToString();

    internal TraceBackend BackendValue { get; init; }

    /// <summary>A line like strace -c's: <c>recvfrom: 3718514 calls, 3718514 errors, 4.412337 s</c>.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Syscall}: {Calls} calls, {Errors} errors, {TotalTime.TotalSeconds:0.000000} s");
}

/// <summary>How many calls failed with one errno.</summary>
public sealed class ErrnoCount
{
    internal ErrnoCount(string error, long count)
    {
        Error = error;
        Count = count;
    }

    /// <summary>The errno name, e.g. <c>EAGAIN</c>.</summary>
    public string Error { get; }

    /// <summary>How many calls.</summary>
    public long Count { get; }

    /// <summary><c>EAGAIN=1234</c>.</summary>
    public override string ToString() => Error + "=" + Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
