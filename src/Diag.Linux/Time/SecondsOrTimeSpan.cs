using System.Globalization;

namespace Diag.Linux.Time;

/// <summary>
/// Turns what a user types for a duration into a <see cref="TimeSpan"/>: a bare number means
/// seconds (<c>0.5</c>, <c>5</c>), a TimeSpan stays as it is, and a string is either a number of
/// seconds or a TimeSpan literal (<c>00:00:05</c>). Without this, PowerShell turns <c>5</c> into five ticks.
/// </summary>
public static class SecondsOrTimeSpan
{
    /// <summary>Converts <paramref name="value"/>; throws <see cref="ArgumentException"/> with a
    /// message that shows the accepted forms when it is none of them.</summary>
    public static TimeSpan Convert(object? value) => value switch
    {
        TimeSpan t => t,
        byte or sbyte or short or ushort or int or uint or long or ulong =>
            FromSeconds(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        float or double or decimal => FromSeconds(System.Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        string s => ParseString(s),
        null => throw new ArgumentException("A duration is required: a number of seconds (0.5, 5) or a TimeSpan (00:00:05)."),
        _ => throw new ArgumentException(
            $"Cannot use a {value.GetType().Name} as a duration: give a number of seconds (0.5, 5) or a TimeSpan (00:00:05)."),
    };

    private static TimeSpan ParseString(string s)
    {
        s = s.Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return FromSeconds(seconds);
        if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span))
            return span;
        throw new ArgumentException($"'{s}' is not a duration: give a number of seconds (0.5, 5) or a TimeSpan (00:00:05).");
    }

    private static TimeSpan FromSeconds(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds)
            throw new ArgumentException($"{seconds.ToString(CultureInfo.InvariantCulture)} is not a usable number of seconds.");
        return TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
    }
}
