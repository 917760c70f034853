using System.Globalization;

namespace Diag.Linux.Conntrack;

/// <summary>How the checklist writes numbers and times: invariant, short, as a person reads them.</summary>
internal static class ConntrackText
{
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Count(ulong value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Rate(double perSecond) =>
        perSecond >= 100 ? perSecond.ToString("N0", CultureInfo.InvariantCulture) + "/s"
        : perSecond.ToString("0.##", CultureInfo.InvariantCulture) + "/s";

    public static string Percent(double value) =>
        (value >= 10 || value == 0 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.#", CultureInfo.InvariantCulture)) + "%";

    /// <summary>5 d, 2 h, 2 min, 30 s, 1.5 s.</summary>
    public static string Duration(TimeSpan value) => value.TotalSeconds switch
    {
        >= 86400 when value.TotalSeconds % 86400 == 0 => $"{value.TotalDays.ToString("0", CultureInfo.InvariantCulture)} d",
        >= 3600 when value.TotalSeconds % 3600 == 0 => $"{value.TotalHours.ToString("0", CultureInfo.InvariantCulture)} h",
        >= 60 when value.TotalSeconds % 60 == 0 => $"{value.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min",
        _ => $"{value.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture)} s",
    };

    public static string Bytes(double bytes) => bytes switch
    {
        >= 1 << 30 => (bytes / (1 << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB",
        >= 1 << 20 => (bytes / (1 << 20)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        >= 1 << 10 => (bytes / (1 << 10)).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString("0", CultureInfo.InvariantCulture) + " B",
    };

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
