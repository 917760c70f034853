using System.Globalization;

namespace Diag.Linux.Memory;

/// <summary>
/// glibc's arena limit for a process: MALLOC_ARENA_MAX, or the glibc.malloc.arena_max tunable in GLIBC_TUNABLES
/// (which wins), from the environment it started with; without either, glibc allows 8 arenas per CPU it may run on.
/// </summary>
internal sealed class MallocSettings
{
    private MallocSettings(int? arenaMax, string? setting, int limit)
    {
        ArenaMax = arenaMax;
        Setting = setting;
        ArenaLimit = limit;
    }

    /// <summary>The configured maximum; null when not configured (or the environment could not be read).</summary>
    public int? ArenaMax { get; }

    /// <summary>The variable as set, e.g. "MALLOC_ARENA_MAX=2".</summary>
    public string? Setting { get; }

    /// <summary>The limit in effect: the configured one, or 8 × CPUs.</summary>
    public int ArenaLimit { get; }

    public static MallocSettings From(IReadOnlyDictionary<string, string>? environment, int cpus)
    {
        int? max = null;
        string? setting = null;
        if (environment is not null)
        {
            if (environment.TryGetValue("MALLOC_ARENA_MAX", out var value) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                max = n;
                setting = "MALLOC_ARENA_MAX=" + value;
            }
            if (environment.TryGetValue("GLIBC_TUNABLES", out var tunables))
            {
                foreach (var tunable in tunables.Split(':'))
                {
                    const string key = "glibc.malloc.arena_max=";
                    if (tunable.StartsWith(key, StringComparison.Ordinal) &&
                        int.TryParse(tunable.AsSpan(key.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0)
                    {
                        max = t;
                        setting = "GLIBC_TUNABLES=" + tunable;
                    }
                }
            }
        }
        return new MallocSettings(max, setting, max ?? 8 * Math.Max(1, cpus));
    }
}
