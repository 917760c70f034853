using System.Globalization;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// One reading of a pressure-stall (PSI) file: /proc/pressure/memory for the machine, memory.pressure for a cgroup of
/// the v2 hierarchy. Each has a "some" line (the share of time at least one task was stalled on memory) and a "full"
/// line (all non-idle tasks stalled at once: the time the workload made no progress), each with the kernel's running
/// averages over 10, 60 and 300 seconds and the total stall time in microseconds since boot, which two readings turn
/// into the exact share of a window.
/// </summary>
internal readonly record struct PressureReading(PressureLine Some, PressureLine? Full)
{
    /// <summary>Parses "some avg10=1.23 avg60=0.50 avg300=0.10 total=12345\nfull ..."; null for text without a some line.</summary>
    public static PressureReading? Parse(string? text)
    {
        PressureLine? some = null, full = null;
        foreach (var line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 5) continue;
            double avg10 = 0, avg60 = 0, avg300 = 0;
            long total = -1;
            foreach (var field in fields.AsSpan(1))
            {
                var eq = field.IndexOf('=');
                if (eq < 0) continue;
                var value = field[(eq + 1)..];
                switch (field[..eq])
                {
                    case "avg10": avg10 = Percent(value); break;
                    case "avg60": avg60 = Percent(value); break;
                    case "avg300": avg300 = Percent(value); break;
                    case "total": total = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : -1; break;
                }
            }
            if (total < 0) continue;
            var parsed = new PressureLine(avg10, avg60, avg300, total);
            if (fields[0] == "some") some = parsed;
            else if (fields[0] == "full") full = parsed;
        }
        return some is { } s ? new PressureReading(s, full) : null;
    }

    private static double Percent(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;
}

/// <summary>One line of a PSI file: running averages in percent and the total stall time in microseconds.</summary>
internal readonly record struct PressureLine(double Avg10, double Avg60, double Avg300, long TotalMicroseconds);
