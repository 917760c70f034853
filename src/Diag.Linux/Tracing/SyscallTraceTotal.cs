using System.Globalization;


namespace Diag.Linux.Tracing;

/// <summary>
/// The total line of a syscall summary, like strace -c's <c>total</c> row, with how the trace ended:
/// how long it ran, and for a launched command (or a traced process that exited) its exit code or the
/// signal that killed it. Written after the per-syscall rows of each traced target.
/// </summary>
public sealed class SyscallTraceTotal
{
    /// <summary>What was traced, as the user named it: <c>process 1234 (nginx)</c>, <c>thread 5072</c>, <c>/usr/bin/make</c>.</summary>
    public string Target { get; internal init; } = "";

    /// <summary>The traced (or launched) process.</summary>
    public int? ProcessId { get; internal init; }

    /// <summary>The traced thread, for a single-thread trace.</summary>
    public int? ThreadId { get; internal init; }

    /// <summary>How many different syscalls were made (the number of summary rows).</summary>
    public int Syscalls { get; internal init; }

    /// <summary>Calls that returned, all syscalls together.</summary>
    public long Calls { get; internal init; }

    /// <summary>Calls that failed.</summary>
    public long Errors { get; internal init; }

    /// <summary>Wall time spent in all the calls.</summary>
    public TimeSpan TotalTime { get; internal init; }

    /// <summary><see cref="TotalTime"/> / <see cref="Calls"/>.</summary>
    public TimeSpan AverageTime { get; internal init; }

    /// <summary>The longest single call.</summary>
    public TimeSpan MaxTime { get; internal init; }

    /// <summary>100 when any call was made (the rows' shares add up to it), else 0.</summary>
    public double TimePercent { get; internal init; }

    /// <summary>How long the trace ran.</summary>
    public TimeSpan Elapsed { get; internal init; }

    /// <summary>Why it ended: <c>Deadline</c> (-Duration), <c>Stopped</c> (Ctrl+C or the pipeline), or <c>TargetExited</c>.</summary>
    public string EndReason { get; internal init; } = "";

    /// <summary>The exit code of the launched command, or of the traced process if it exited; null while it runs or after a signal.</summary>
    public int? ExitCode { get; internal init; }

    /// <summary>The signal that killed the launched command or traced process (<c>SIGSEGV</c>), if one did.</summary>
    public string? TerminatingSignal { get; internal init; }

    /// <summary>Events (with -Event) that were not delivered because the pipeline read them too slowly.</summary>
    public long DroppedEvents { get; internal init; }

    /// <summary>Which engine traced: <c>Ptrace</c> or <c>Kernel</c> (-Backend).</summary>
    public string Backend { get; internal init; } = "Ptrace";

    /// <summary><c>total: 3718514 calls, 3718514 errors, 4.425255 s in 2 syscalls (process 1234 exited with code 0)</c>.</summary>
    public override string ToString()
    {
        var outcome = ExitCode is { } code ? $" ({Target} exited with code {code})"
            : TerminatingSignal is { } signal ? $" ({Target} was killed by {signal})" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"total: {Calls} calls, {Errors} errors, {TotalTime.TotalSeconds:0.000000} s in {Syscalls} syscalls{outcome}");
    }

    /// <summary>The total of a finished trace.</summary>
    /// <param name="result">The finished trace.</param>
    /// <param name="target">What was traced.</param>
    /// <param name="description">The target as described when the trace started (a process may be gone by now).</param>
    /// <param name="deadlineReached">The trace was ended by its deadline.</param>
    /// <param name="undelivered">Events dropped by the consumer side on top of <see cref="TraceResult.DroppedEvents"/>.</param>
    /// <param name="backend">The engine that traced.</param>
    public static SyscallTraceTotal From(TraceResult result, TraceTarget target, string description, bool deadlineReached, long undelivered, string backend = "Ptrace")
    {
        long calls = 0, errors = 0, totalTicks = 0, maxTicks = 0;
        foreach (var row in result.Summary)
        {
            calls += row.Calls;
            errors += row.Errors;
            totalTicks += row.TotalTime.Ticks;
            maxTicks = Math.Max(maxTicks, row.MaxTime.Ticks);
        }
        return new SyscallTraceTotal
        {
            Target = description,
            ProcessId = result.ProcessId ?? (target as TraceTarget.Process)?.ProcessId,
            ThreadId = (target as TraceTarget.Thread)?.ThreadId,
            Syscalls = result.Summary.Select(r => r.Number).Distinct().Count(),
            Calls = calls,
            Errors = errors,
            TotalTime = TimeSpan.FromTicks(totalTicks),
            AverageTime = calls == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(totalTicks / calls),
            MaxTime = TimeSpan.FromTicks(maxTicks),
            TimePercent = calls == 0 ? 0 : 100,
            Elapsed = result.Elapsed,
            EndReason = result.EndReason == TraceEndReason.TargetExited ? "TargetExited" : deadlineReached ? "Deadline" : "Stopped",
            ExitCode = result.ExitCode,
            TerminatingSignal = result.TerminatingSignal is { } s ? Diag.Linux.Syscalls.Decoding.SignalNames.Name(s) : null,
            DroppedEvents = result.DroppedEvents + undelivered,
            Backend = backend,
        };
    }
}
