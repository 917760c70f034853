using System.Globalization;
using Diag.Linux.CoreDumps;

namespace Diag.Linux.MemoryStalls;

/// <summary>Durations, shares and sizes as the diagnosis and ToString write them: "2.8 s", "140 ms", "21 GiB".</summary>
internal static class StallText
{
    /// <summary>"0", "850 µs", "140 ms", "2.8 s", "95 s", "12 min".</summary>
    public static string Seconds(TimeSpan time)
    {
        if (time <= TimeSpan.Zero) return "0 s";
        var ms = time.TotalMilliseconds;
        if (ms < 1) return string.Create(CultureInfo.InvariantCulture, $"{time.Ticks / 10} µs");
        if (ms < 1000) return string.Create(CultureInfo.InvariantCulture, $"{ms:0} ms");
        var s = time.TotalSeconds;
        if (s < 10) return string.Create(CultureInfo.InvariantCulture, $"{s:0.0} s");
        if (s < 600) return string.Create(CultureInfo.InvariantCulture, $"{s:0} s");
        return string.Create(CultureInfo.InvariantCulture, $"{time.TotalMinutes:0} min");
    }

    public static string Bytes(long bytes) => ByteSize.Format(bytes);

    public static string Percent(double percent) => string.Create(CultureInfo.InvariantCulture, $"{percent:0.#}%");
}
