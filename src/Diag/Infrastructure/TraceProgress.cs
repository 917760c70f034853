using System.Globalization;
using System.Management.Automation;
using Diag.Linux.Tracing;

namespace Diag.Commands.Infrastructure;

/// <summary>The progress bar of a running trace: a countdown with -Duration, otherwise how to stop it.</summary>
internal static class TraceProgress
{
    public const int ActivityId = 1;

    public static ProgressRecord Create(TimeSpan? duration, TimeSpan elapsed, IReadOnlyList<TraceTarget> targets, bool ctrlCSummarizes, bool stopping)
    {
        var what = string.Join(", ", targets.Take(3).Select(Describe)) + (targets.Count > 3 ? $" and {targets.Count - 3} more" : "");
        var status = stopping ? $"Detaching from {what}"
            : duration is { } d ? $"Tracing {what}: {Seconds(elapsed)} of {Seconds(d)}"
            : $"Tracing {what} for {Seconds(elapsed)}" + (ctrlCSummarizes ? " - Ctrl+C ends the trace and writes the summary" : " - until the target exits or Ctrl+C");
        var record = new ProgressRecord(ActivityId, "Trace-Syscall", status);
        if (duration is { } total && !stopping)
        {
            record.PercentComplete = (int)Math.Clamp(elapsed.TotalMilliseconds * 100 / Math.Max(1, total.TotalMilliseconds), 0, 100);
            record.SecondsRemaining = (int)Math.Max(0, Math.Ceiling((total - elapsed).TotalSeconds));
        }
        return record;
    }

    public static string Describe(TraceTarget target) => target switch
    {
        TraceTarget.Process p => $"process {p.ProcessId}",
        TraceTarget.Thread t => $"thread {t.ThreadId}",
        TraceTarget.Launch l => l.FilePath,
        _ => target.ToString(),
    };

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
