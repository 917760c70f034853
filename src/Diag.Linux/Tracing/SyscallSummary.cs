namespace Diag.Linux.Tracing;

/// <summary>
/// One row of a syscall summary, like a line of <c>strace -c -w</c>. Times are wall-clock time
/// (CLOCK_MONOTONIC) of each call: with ptrace, between the tracer seeing the syscall-entry stop and the
/// syscall-exit stop (what the traced thread waited for the call, including the kernel's work and any
/// blocking, plus the tracer's own stop overhead); with the kernel backend, between the sys_enter and
/// sys_exit tracepoints (the call alone). Only calls that returned are counted (as strace does:
/// exit_group never returns).
/// </summary>
public sealed record SyscallSummary
{
    /// <summary>Syscall name, e.g. <c>recvfrom</c>.</summary>
    public required string Syscall { get; init; }

    /// <summary>x86_64 syscall number.</summary>
    public required int Number { get; init; }

    /// <summary>The process that made the calls; null when the row merges several processes (FollowForks without ByThread).</summary>
    public int? ProcessId { get; init; }

    /// <summary>The thread that made the calls; set only with ByThread.</summary>
    public int? ThreadId { get; init; }

    /// <summary>Calls that returned.</summary>
    public long Calls { get; init; }

    /// <summary>Calls that returned an error (-4095..-1).</summary>
    public long Errors { get; init; }

    /// <summary>Errors by errno, most frequent first: <c>EAGAIN=1234 EINTR=2</c>; empty when none.</summary>
    public string ErrorBreakdown { get; init; } = "";

    /// <summary>Errors by errno, most frequent first.</summary>
    public ErrnoCount[] ErrorCounts { get; init; } = [];

    /// <summary>Wall time spent in the calls (entry stop to exit stop).</summary>
    public TimeSpan TotalTime { get; init; }

    /// <summary><see cref="TotalTime"/> / <see cref="Calls"/>.</summary>
    public TimeSpan AverageTime { get; init; }

    /// <summary>The longest single call.</summary>
    public TimeSpan MaxTime { get; init; }

    /// <summary>Share of the summed TotalTime of all rows, 0..100.</summary>
    public double TimePercent { get; init; }

    /// <summary>How long the calls took, as log2 buckets from the first to the last non-empty one; empty
    /// when the trace did not time calls.</summary>
    public LatencyBucket[] LatencyHistogram { get; internal init; } = [];

    /// <summary>Which backend counted the calls: Ptrace or Kernel.</summary>
    public TraceBackend Backend { get; internal init; }
}

/// <summary>How many calls failed with one errno.</summary>
/// <param name="Error">The errno name, e.g. <c>EAGAIN</c>.</param>
/// <param name="Count">How many calls.</param>
public sealed record ErrnoCount(string Error, long Count);
