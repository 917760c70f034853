using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace Diag.Commands.Formatting;

/// <summary>
/// Draws a latency histogram as bpftrace prints <c>hist()</c>: one line per log2 bucket, from the fastest non-empty
/// bucket to the slowest, with its bounds in human units, its count, its share of all the calls and a bar
/// (<c>[1µs, 2µs)   12   1.0%  |@@@      |</c>) as wide as the window allows. The format views call it
/// (module/Diag.Syscall.format.ps1xml) with any list of buckets that have LowerBoundNanoseconds,
/// UpperBoundNanoseconds and Count: live <c>Diag.Linux.Output.LatencyBucket</c>s, or the property bags that
/// Start-Job, Invoke-Command and Import-Clixml bring back. Values are read by property name, never cast to a Diag
/// type, so a remoted histogram draws exactly as a local one. A later latency distribution (another cmdlet's
/// ItemList of LatencyBucket) draws with the same call.
/// </summary>
public static class LatencyHistogramView
{
    /// <summary>The width when the host has no window (a redirected or hosted session reports 0).</summary>
    public const int DefaultWidth = 80;

    /// <summary>Bars never get narrower than this, however narrow the window: the lines wrap instead.</summary>
    public const int MinimumBarWidth = 10;

    private const string Indent = "  ";
    private const string Gap = "  ";

    // Columns at least as wide as their widest usual value ("[256µs, 512µs)", a count of millions), so that the
    // histograms of one trace line up under each other; wider values widen them.
    private const int LabelWidth = 14;
    private const int CountWidth = 7;

    /// <summary>The histogram as lines of text: <paramref name="title"/> (if any), a line of column names, then one
    /// line per bucket, each at most <paramref name="windowWidth"/> - 1 characters (the last column of a terminal is
    /// left free, where writing wraps some terminals).</summary>
    /// <param name="title">The first line, e.g. <c>read (kernel): 1204 calls, ...</c>; null or empty for none.</param>
    /// <param name="histogram">The buckets: a list (or one bucket), live or deserialized; null for none.</param>
    /// <param name="windowWidth">The window's width in columns ($Host.UI.RawUI.WindowSize.Width); 0 or less: 80.</param>
    public static string Render(string? title, object? histogram, int windowWidth)
    {
        var buckets = Read(histogram);
        var lines = new List<string>();
        if (!string.IsNullOrEmpty(title)) lines.Add(title);
        if (buckets.Count == 0)
        {
            lines.Add(Indent + "(no latency recorded)");
            return string.Join("\n", lines);
        }

        var labels = buckets.Select(b => Label(b.Lower, b.Upper)).ToArray();
        var total = buckets.Sum(b => b.Count);
        var most = buckets.Max(b => b.Count);
        var labelWidth = Math.Max(LabelWidth, labels.Max(l => l.Length));
        var countWidth = Math.Max(CountWidth, buckets.Max(b => b.Count.ToString(CultureInfo.InvariantCulture).Length));
        const int shareWidth = 6; // "100.0%"
        var fixedWidth = Indent.Length + labelWidth + Gap.Length + countWidth + Gap.Length + shareWidth + Gap.Length + 2;
        var width = windowWidth > 0 ? windowWidth : DefaultWidth;
        var barWidth = Math.Max(MinimumBarWidth, width - 1 - fixedWidth);

        lines.Add(Indent + "latency".PadRight(labelWidth) + Gap + "count".PadLeft(countWidth) + Gap + "share".PadLeft(shareWidth) + Gap + "distribution");
        var line = new StringBuilder();
        for (var i = 0; i < buckets.Count; i++)
        {
            var count = buckets[i].Count;
            var bar = BarLength(count, most, barWidth);
            line.Clear()
                .Append(Indent).Append(labels[i].PadRight(labelWidth))
                .Append(Gap).Append(count.ToString(CultureInfo.InvariantCulture).PadLeft(countWidth))
                .Append(Gap).Append(Share(count, total).PadLeft(shareWidth))
                .Append(Gap).Append('|').Append('@', bar).Append(' ', barWidth - bar).Append('|');
            lines.Add(line.ToString());
        }
        return string.Join("\n", lines);
    }

    /// <summary>A length of time in the unit that reads best: <c>850ns</c>, <c>1.19µs</c>, <c>350µs</c>, <c>12.3ms</c>,
    /// <c>4.41s</c> (three significant digits; TimeSpan counts 100 ns ticks).</summary>
    public static string Duration(TimeSpan time) => Nanoseconds(time.Ticks * 100.0);

    /// <summary>A length of time given in nanoseconds, as <see cref="Duration"/> writes it: for values finer than a
    /// TimeSpan's 100 ns tick, such as an average of fast calls (TotalTime / Calls), which a TimeSpan would round.</summary>
    public static string Nanoseconds(double ns) => ns switch
    {
        < 1_000 => Significant(ns) + "ns",
        < 1_000_000 => Significant(ns / 1_000) + "µs",
        < 1_000_000_000 => Significant(ns / 1_000_000) + "ms",
        _ => Significant(ns / 1_000_000_000) + "s",
    };

    /// <summary>A bucket's bounds as bpftrace writes them, <c>[512ns, 1µs)</c>; the last, open-ended bucket <c>[549s, ...)</c>.</summary>
    internal static string Label(long lower, long upper) =>
        "[" + Bound(lower) + ", " + (upper == long.MaxValue ? "..." : Bound(upper)) + ")";

    /// <summary>A power of two of nanoseconds in the largest unit that keeps it a whole number of at least 1:
    /// 512ns, 1µs (1,024 ns), 2ms, 137s. The same rounding as LatencyBucket's text, in the view's units.</summary>
    internal static string Bound(long nanoseconds) => nanoseconds switch
    {
        < 1_000 => nanoseconds.ToString(CultureInfo.InvariantCulture) + "ns",
        < 1_000_000 => (nanoseconds / 1_000).ToString(CultureInfo.InvariantCulture) + "µs",
        < 1_000_000_000 => (nanoseconds / 1_000_000).ToString(CultureInfo.InvariantCulture) + "ms",
        _ => (nanoseconds / 1_000_000_000).ToString(CultureInfo.InvariantCulture) + "s",
    };

    /// <summary>Bars are scaled to the fullest bucket, as bpftrace does; a bucket with any call gets at least one
    /// '@', so that a rare slow call (one in a million) still shows against the bulk.</summary>
    internal static int BarLength(long count, long most, int barWidth) =>
        count <= 0 || most <= 0 ? 0 : (int)Math.Clamp(Math.Round((double)count * barWidth / most, MidpointRounding.AwayFromZero), 1, barWidth);

    /// <summary>The bucket's share of all calls, one decimal: <c>66.4%</c>; <c>&lt;0.1%</c> for a few among many; empty for none.</summary>
    internal static string Share(long count, long total)
    {
        if (count <= 0 || total <= 0) return "";
        var percent = count * 100.0 / total;
        return percent < 0.05 ? "<0.1%" : percent.ToString("0.0", CultureInfo.InvariantCulture) + "%";
    }

    private static string Significant(double value) =>
        value.ToString(value >= 100 ? "0" : value >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture);

    private readonly record struct Bucket(long Lower, long Upper, long Count);

    /// <summary>The buckets of a list of bucket-shaped objects (live, or property bags after remoting), in order.</summary>
    private static List<Bucket> Read(object? histogram)
    {
        var buckets = new List<Bucket>();
        var value = histogram is PSObject wrapped ? wrapped.BaseObject : histogram;
        if (value is null) return buckets;
        IEnumerable items = value is IEnumerable list and not string ? list : new[] { histogram! };
        foreach (var item in items)
        {
            if (item is null) continue;
            var bag = PSObject.AsPSObject(item);
            buckets.Add(new Bucket(Number(bag, "LowerBoundNanoseconds"), Number(bag, "UpperBoundNanoseconds"), Number(bag, "Count")));
        }
        return buckets;
    }

    private static long Number(PSObject bag, string name) =>
        bag.Properties[name]?.Value is { } v ? Convert.ToInt64(v is PSObject p ? p.BaseObject : v, CultureInfo.InvariantCulture) : 0;
}
