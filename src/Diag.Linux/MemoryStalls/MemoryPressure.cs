using System.Globalization;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// Memory pressure (PSI) of the machine or of a cgroup over the window Get-MemoryStall watched: the share of the window
/// in which some task was stalled on memory (reclaim, compaction, refaults of evicted pages, swap-in) and in which every
/// non-idle task was (<c>full</c>: no progress at all), counted exactly from the kernel's stall totals at both ends of
/// the window, beside the kernel's own running averages at its end.
/// </summary>
public sealed class MemoryPressure
{
    internal MemoryPressure(string scope, TimeSpan window, PressureReading start, PressureReading end)
    {
        Scope = scope;
        Window = window;
        SomeStallTime = Delta(start.Some.TotalMicroseconds, end.Some.TotalMicroseconds);
        FullStallTime = start.Full is { } f0 && end.Full is { } f1 ? Delta(f0.TotalMicroseconds, f1.TotalMicroseconds) : null;
        SomePercent = Share(SomeStallTime, window);
        FullPercent = FullStallTime is { } full ? Share(full, window) : null;
        SomeAvg10Percent = end.Some.Avg10;
        SomeAvg60Percent = end.Some.Avg60;
        SomeAvg300Percent = end.Some.Avg300;
        FullAvg10Percent = end.Full?.Avg10;
        FullAvg60Percent = end.Full?.Avg60;
        FullAvg300Percent = end.Full?.Avg300;
    }

    /// <summary>"system" for /proc/pressure/memory, else the cgroup's path.</summary>
    public string Scope { get; }

    /// <summary>How long the window was.</summary>
    public TimeSpan Window { get; }

    /// <summary>Time in the window during which at least one task was stalled on memory.</summary>
    public TimeSpan SomeStallTime { get; }

    /// <summary>Time in the window during which all non-idle tasks were stalled on memory at once.</summary>
    public TimeSpan? FullStallTime { get; }

    /// <summary><see cref="SomeStallTime"/> as a share of the window, in percent.</summary>
    public double SomePercent { get; }

    /// <summary><see cref="FullStallTime"/> as a share of the window, in percent.</summary>
    public double? FullPercent { get; }

    /// <summary>The kernel's running averages of the "some" share at the end of the window (10 s, 60 s, 300 s).</summary>
    public double SomeAvg10Percent { get; }
    public double SomeAvg60Percent { get; }
    public double SomeAvg300Percent { get; }

    /// <summary>The kernel's running averages of the "full" share at the end of the window.</summary>
    public double? FullAvg10Percent { get; }
    public double? FullAvg60Percent { get; }
    public double? FullAvg300Percent { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Scope}: some {SomePercent:0.0}%") + (FullPercent is { } full ? string.Create(CultureInfo.InvariantCulture, $", full {full:0.0}%") : "")
        + string.Create(CultureInfo.InvariantCulture, $" of {StallText.Seconds(Window)} (avg60 some {SomeAvg60Percent:0.00}%)");

    private static TimeSpan Delta(long start, long end) => TimeSpan.FromTicks(Math.Max(0, end - start) * 10);

    private static double Share(TimeSpan part, TimeSpan window) =>
        window > TimeSpan.Zero ? Math.Round(Math.Min(100, 100.0 * part.Ticks / window.Ticks), 2) : 0;
}
