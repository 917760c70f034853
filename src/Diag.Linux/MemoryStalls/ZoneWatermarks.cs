using System.Globalization;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// One memory zone of /proc/zoneinfo, in pages: free pages, the min/low/high watermarks and the temporary boost the
/// kernel adds to them after fragmentation events. kswapd starts reclaiming in the background when a zone's free pages
/// fall below low (plus boost) and stops above high; an allocation that finds every zone it may use below min reclaims
/// itself (direct reclaim): the stall Get-MemoryStall measures.
/// </summary>
internal readonly record struct ZoneWatermarks(int Node, string Zone, long FreePages, long MinPages, long LowPages, long HighPages, long BoostPages, long ManagedPages)
{
    /// <summary>Parses every zone of /proc/zoneinfo; zones without managed pages (empty Movable, Device) are kept, callers skip them.</summary>
    public static List<ZoneWatermarks> Parse(string? text)
    {
        var zones = new List<ZoneWatermarks>();
        int node = -1;
        string? zone = null;
        long free = 0, min = 0, low = 0, high = 0, boost = 0, managed = 0;
        void Flush()
        {
            if (zone is not null) zones.Add(new ZoneWatermarks(node, zone, free, min, low, high, boost, managed));
            zone = null;
            free = min = low = high = boost = managed = 0;
        }
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("Node ", StringComparison.Ordinal))
            {
                // "Node 0, zone   Normal"
                Flush();
                var comma = line.IndexOf(',');
                var zoneAt = line.IndexOf("zone", StringComparison.Ordinal);
                if (comma < 0 || zoneAt < 0) continue;
                node = int.TryParse(line.AsSpan(5, comma - 5), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
                zone = line[(zoneAt + 4)..].Trim();
                continue;
            }
            if (zone is null) continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2) continue;
            // "pages free 3840" comes first in a zone; per-node counters ("nr_free_pages"…) have other names.
            var (name, value) = fields[0] == "pages" && fields.Length >= 3 ? (fields[1], fields[2]) : (fields[0], fields[1]);
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) continue;
            switch (name)
            {
                case "free": free = number; break;
                case "min": min = number; break;
                case "low": low = number; break;
                case "high": high = number; break;
                case "boost": boost = number; break;
                case "managed": managed = number; break;
            }
        }
        Flush();
        return zones;
    }

    /// <summary>Where free memory stands against the watermarks (each raised by the boost, as the kernel compares).</summary>
    public WatermarkLevel Level => Classify(FreePages, MinPages + BoostPages, LowPages + BoostPages, HighPages + BoostPages);

    public static WatermarkLevel Classify(long free, long min, long low, long high) =>
        free < min ? WatermarkLevel.BelowMin : free < low ? WatermarkLevel.BelowLow : free < high ? WatermarkLevel.BelowHigh : WatermarkLevel.AboveHigh;
}

/// <summary>Free memory against the zone watermarks, worst first.</summary>
public enum WatermarkLevel
{
    /// <summary>Below min: allocations reclaim directly (they stall) and only the kernel's reserves are left.</summary>
    BelowMin,

    /// <summary>Below low: kswapd is reclaiming in the background; an allocation stalls once it reaches min.</summary>
    BelowLow,

    /// <summary>Between low and high: kswapd, once woken, keeps reclaiming up to high.</summary>
    BelowHigh,

    /// <summary>Above high: no reclaim is needed.</summary>
    AboveHigh,
}
