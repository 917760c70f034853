using System.Globalization;
using static Diag.Linux.CoreDumps.ByteSize;

namespace Diag.Linux.Memory;

/// <summary>
/// What to do about a process's memory, when its layout calls for it: glibc arenas holding much more than the rest
/// of the process (the Spring Boot off-heap "leak": memory freed by native code kept in 64 MiB arenas), and a cgroup
/// at its limit or whose OOM killer has already acted.
/// </summary>
internal static class MemoryRecommendation
{
    /// <summary>Arenas are worth a word when they hold at least this much...</summary>
    internal const long ArenaResidentFloor = 64L << 20;

    /// <summary>...and at least this share of the process's resident memory.</summary>
    internal const double ArenaShareFloor = 0.20;

    public static string? For(ProcessMemorySnapshot s, long arenaResident, long rss)
    {
        var advice = new List<string>();
        int arenas = s.Layout.ArenaCount;
        if (s.Allocator == MemoryAllocator.Glibc && arenas >= 2 && arenaResident >= ArenaResidentFloor && rss > 0 && arenaResident >= ArenaShareFloor * rss)
        {
            var held = string.Create(CultureInfo.InvariantCulture,
                $"{arenas} glibc arenas hold {Format(arenaResident)} resident, {100.0 * arenaResident / rss:0}% of the process's RSS ({Format(rss)})");
            if (s.Malloc.Setting is null)
                advice.Add(held + ": glibc keeps memory freed by a thread in that thread's 64 MiB arena and seldom returns it. " +
                           "Start the process with MALLOC_ARENA_MAX=2 (in a systemd unit: Environment=MALLOC_ARENA_MAX=2 in a drop-in; for a JVM, in its environment), " +
                           "or preload jemalloc or tcmalloc; then compare with -Interval whether the arenas still grow.");
            else
                advice.Add(held + $" although {s.Malloc.Setting} is set: the memory is fragmented inside the arenas. " +
                           "Preload jemalloc or tcmalloc (LD_PRELOAD), or have the program call malloc_trim(0) after large frees.");
        }
        if (s.Cgroup is { LimitBytes: { } limit, UsageBytes: { } usage } cgroup && limit > 0 && usage >= 0.9 * limit)
            advice.Add(string.Create(CultureInfo.InvariantCulture,
                $"Its cgroup uses {Format(usage)} of the {Format(limit)} limit set on {cgroup.LimitPath} ({100.0 * usage / limit:0}%): at the limit the kernel reclaims page cache, then the OOM killer kills a process of the cgroup."));
        if (s.Cgroup?.OomKills is long kills && kills > 0)
            advice.Add(string.Create(CultureInfo.InvariantCulture,
                $"The OOM killer has already killed {kills} process(es) under the limit of {s.Cgroup.LimitPath ?? s.Cgroup.Path}."));
        return advice.Count == 0 ? null : string.Join(" ", advice);
    }
}
