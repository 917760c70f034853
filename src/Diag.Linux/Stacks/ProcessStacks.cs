using Diag.Linux.Ptrace;

namespace Diag.Linux.Stacks;

/// <summary>The stacks of one process's threads, or why there are none (a whole-process failure) and
/// which requested threads were missing or refused.</summary>
public sealed class ProcessStacks
{
    public int ProcessId { get; internal init; }

    public string ProcessName { get; internal init; } = "";

    /// <summary>One stack per thread, by thread ID.</summary>
    public IReadOnlyList<ThreadStack> Threads { get; internal init; } = [];

    /// <summary>Why nothing could be captured (not found, permission, a child of this process, ...); null when some was.</summary>
    public TargetException? Failure { get; internal init; }

    /// <summary>Threads asked for that are not threads of the process (one each, TargetNotFound), and threads another
    /// tracer holds (gdb, strace: one for all of them, AlreadyTraced, naming it).</summary>
    public IReadOnlyList<TargetException> ThreadFailures { get; internal init; } = [];

    /// <summary>What was read and what it cost the process, for -Verbose.</summary>
    public string Description => Threads.Count == 0
        ? $"Process {ProcessId} ({ProcessName}): no thread read."
        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Process {ProcessId} ({ProcessName}): {Threads.Count} thread(s) read, {Threads.Sum(t => t.Frames.Count)} frames; each thread stopped for " +
            $"{Median(Threads.Select(t => t.StopDuration.TotalMicroseconds)):0} µs (median), {Threads.Max(t => t.StopDuration.TotalMicroseconds):0} µs at most; the process as a whole never stopped.");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }
}
