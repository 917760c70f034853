using System.Globalization;
using System.Management.Automation;

namespace Diag.Commands.Infrastructure;

/// <summary>Errors for parameter values that bind but make no sense together or alone, worded for the person who
/// typed them (no .NET parameter names or "Actual value was" tails).</summary>
internal static class ParameterErrors
{
    /// <summary>A length of time that must be positive (-Interval, -Duration, -Timeout…).</summary>
    public static DiagError NotPositive(string parameter, TimeSpan value) => new(
        new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"-{parameter} must be a positive length of time, not {value}.")),
        "Invalid" + parameter, ErrorCategory.InvalidArgument, value,
        $"Give seconds (-{parameter} 0.5, -{parameter} 5) or a TimeSpan (-{parameter} 00:00:02).");

    /// <summary>Get-ThreadCpu's -Count and -Continuous together.</summary>
    public static DiagError CountWithContinuous() => new(
        new ArgumentException("-Count and -Continuous cannot be used together: -Count N takes N samples, -Continuous samples until Ctrl+C."),
        "CountWithContinuous", ErrorCategory.InvalidArgument, null,
        "Drop one of them: -Count 5 for five samples, or -Continuous (ended by Ctrl+C or Select-Object -First).");

    /// <summary>Trace-Syscall's -CountOnly and -Event together.</summary>
    public static DiagError CountOnlyWithEvent() => new(
        new ArgumentException("-CountOnly and -Event cannot be used together: -CountOnly counts calls per syscall, -Event writes one object per call."),
        "CountOnlyWithEvent", ErrorCategory.InvalidArgument, null,
        "Drop one of them: -CountOnly for a count per syscall (syscount), -Event for each call with its arguments (strace).");

    /// <summary>Trace-Syscall's -Histogram (a view of the summary) and -Event (no summary) together.</summary>
    public static DiagError HistogramWithEvent() => new(
        new ArgumentException("-Histogram draws the summary's latency per syscall, and -Event writes calls instead of a summary: they cannot be used together."),
        "HistogramWithEvent", ErrorCategory.InvalidArgument, null,
        "Drop -Event for the latency histograms, or drop -Histogram for one object per call.");

    /// <summary>Trace-Syscall's -Histogram (latency per syscall) and -CountOnly (nothing timed) together.</summary>
    public static DiagError HistogramWithCountOnly() => new(
        new ArgumentException("-Histogram draws each syscall's latency, and -CountOnly times nothing: they cannot be used together."),
        "HistogramWithCountOnly", ErrorCategory.InvalidArgument, null,
        "Drop -CountOnly for the latency histograms, or drop -Histogram for the cheapest count.");
}
