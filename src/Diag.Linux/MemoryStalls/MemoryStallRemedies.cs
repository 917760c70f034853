using System.Globalization;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// What to do about a cause, worked out for this machine (its current settings, the process's cgroup): the setting to
/// change with the command that changes it now and the line that keeps it, and what each costs. Dropping caches is
/// offered only as a one-off with its price, never as the fix.
/// </summary>
internal static class MemoryStallRemedies
{
    private const string SysctlFile = "/etc/sysctl.d/90-memory-stalls.conf";

    public static List<MemoryRemedy> For(MemoryStallCause cause, StallFacts f)
    {
        var list = new List<MemoryRemedy>();
        var m = f.Memory;
        switch (cause)
        {
            case MemoryStallCause.PageCache:
                list.Add(Headroom(m));
                if (IsJava(f.ProcessName)) list.Add(JavaPreTouch());
                list.Add(LimitWriter());
                list.Add(DirtyLimits(m));
                list.Add(DropOnce());
                break;
            case MemoryStallCause.DirtyWriteback:
                list.Add(DirtyLimits(m));
                list.Add(Headroom(m));
                list.Add(LimitWriter());
                break;
            case MemoryStallCause.CgroupLimit:
                if (f.Cgroup is { } cgroup) list.AddRange(CgroupLimit(cgroup));
                list.Add(DirtyLimits(m));
                break;
            case MemoryStallCause.Compaction:
                list.Add(Defrag(m));
                list.Add(Headroom(m));
                break;
            case MemoryStallCause.Thrashing:
                list.Add(Protect(f.Cgroup, "its working set is evicted and read back"));
                list.Add(MoreMemory(f));
                break;
            case MemoryStallCause.SwapIn:
                list.Add(Swappiness(m, f.Cgroup));
                list.Add(Protect(f.Cgroup, "its memory is swapped out for others"));
                break;
            case MemoryStallCause.MemoryShortage:
                list.Add(MoreMemory(f));
                list.Add(Protect(f.Cgroup, "reclaim takes its memory for others"));
                list.Add(Headroom(m));
                break;
        }
        return list;
    }

    /// <summary>Raise the watermarks: kswapd then starts earlier and keeps more free, so allocations find free pages.</summary>
    private static MemoryRemedy Headroom(MemoryPicture m)
    {
        var total = m.TotalBytes;
        var scale = m.WatermarkScaleFactor ?? 10;
        var steps = new List<string>();
        if (scale < 200)
        {
            steps.Add("sysctl -w vm.watermark_scale_factor=200");
            steps.Add($"lasting: vm.watermark_scale_factor = 200 in {SysctlFile}");
            var gap = total / 10000 * (200 - scale);
            return new MemoryRemedy(
                $"Have kswapd reclaim earlier, in the background: the gap between the watermarks is {scale}/10000 of memory (vm.watermark_scale_factor = {scale}); 200 makes it 2%, so allocations find free pages instead of reclaiming themselves",
                steps, $"about {StallText.Bytes(gap)} more is kept free instead of caching files");
        }
        var minFree = m.MinFreeKbytes ?? 0;
        var suggested = Math.Max(minFree * 2, 262144);
        steps.Add($"sysctl -w vm.min_free_kbytes={suggested.ToString(CultureInfo.InvariantCulture)}");
        steps.Add($"lasting: vm.min_free_kbytes = {suggested.ToString(CultureInfo.InvariantCulture)} in {SysctlFile}");
        return new MemoryRemedy(
            $"Keep more memory free: vm.min_free_kbytes is {minFree} KiB; raising it lifts all three watermarks",
            steps, $"{StallText.Bytes((suggested - minFree) * 1024)} more stays free; the part below min is only for the kernel's atomic allocations, so do not raise it far");
    }

    private static MemoryRemedy JavaPreTouch() => new(
        "Have the JVM take its heap at start-up rather than during a GC: a freshly started JVM touches heap pages for the first time in its first collections, and each page then has to be reclaimed from the page cache first",
        ["start java with -XX:+AlwaysPreTouch (for a service: in JAVA_OPTS or the unit's command line)"],
        "a slower start (every heap page is touched once) and the whole heap resident from the start");

    private static MemoryRemedy LimitWriter() => new(
        "Keep the page cache of the job that writes or reads the large files (log shippers, backups, dd) in a cgroup of its own with a memory limit, so its cache is reclaimed within its limit instead of filling the machine",
        ["systemd-run --scope -p MemoryHigh=1G -p MemoryMax=2G -- COMMAND", "for a service: MemoryHigh= and MemoryMax= in its unit (cgroup v2), or docker run --memory"],
        "that job re-reads from disk what no longer fits in its limit");

    private static MemoryRemedy DirtyLimits(MemoryPicture m)
    {
        var current = m.DirtyBytesSetting is > 0 || m.DirtyBackgroundBytesSetting is > 0
            ? $"vm.dirty_bytes {StallText.Bytes(m.DirtyBytesSetting ?? 0)}, vm.dirty_background_bytes {StallText.Bytes(m.DirtyBackgroundBytesSetting ?? 0)}"
            : $"vm.dirty_ratio {m.DirtyRatio}%, vm.dirty_background_ratio {m.DirtyBackgroundRatio}%";
        return new MemoryRemedy(
            $"Let less dirty data wait for writeback ({current}" + (m.DirtyThresholdBytes is { } t ? $": writers are held only at {StallText.Bytes(t)}" : "") +
            "), so the cache reclaim meets is clean and is dropped without waiting for the disk",
            ["sysctl -w vm.dirty_background_bytes=268435456 vm.dirty_bytes=1073741824",
             $"lasting: vm.dirty_background_bytes = 268435456 and vm.dirty_bytes = 1073741824 in {SysctlFile}"],
            "writeback starts at 256 MiB and writers are throttled at 1 GiB of dirty data: bursts of writes slow down sooner");
    }

    private static MemoryRemedy DropOnce() => new(
        "Only as a one-off (what the incident did with vmtouch): drop the clean page cache, or evict just the files that hold it",
        ["fincore --bytes FILES (which files hold the cache)", "vmtouch -e FILE (evict one file's pages)", "sync; echo 1 > /proc/sys/vm/drop_caches (all of it)"],
        "every dropped file is read from disk again when next used, and the cache fills up again as files are written: this fixes nothing lasting");

    private static IEnumerable<MemoryRemedy> CgroupLimit(MemoryCgroupState c)
    {
        var where = c.LimitPath ?? c.Path ?? "the cgroup";
        var limit = c.LimitBytes is { } l ? StallText.Bytes(l) : "its limit";
        if (c.Version == 2)
        {
            yield return new MemoryRemedy(
                $"Raise the memory limit of {where} ({limit}): at the limit every charge reclaims in the cgroup first",
                [$"echo NEW_LIMIT > /sys/fs/cgroup{where}/memory.max", "for a service: MemoryMax= in its unit; for a container: docker update --memory"],
                "the cgroup may then take that much more of the machine");
            yield return new MemoryRemedy(
                $"Reclaim the cgroup's page cache ahead of time (Linux 5.19+), e.g. after a job that read or wrote large files in it",
                [$"echo 1G > /sys/fs/cgroup{c.Path}/memory.reclaim"],
                "a one-off: what is reclaimed is read from disk again when next used");
        }
        else
        {
            yield return new MemoryRemedy(
                $"Raise the memory limit of {where} ({limit}): at the limit every charge reclaims in the cgroup first (page cache of files it read or wrote counts)",
                [$"echo NEW_LIMIT > /sys/fs/cgroup/memory{where}/memory.limit_in_bytes", "for a container: docker update --memory"],
                "the cgroup may then take that much more of the machine");
            yield return new MemoryRemedy(
                "Only as a one-off: reclaim everything the cgroup can give back",
                [$"echo 0 > /sys/fs/cgroup/memory{c.Path}/memory.force_empty"],
                "its whole page cache is dropped and read from disk again when next used");
        }
        yield return new MemoryRemedy(
            "Do not let a job that streams large files share the cgroup: their page cache is charged to whoever reads or writes them",
            ["run the job in a cgroup of its own: systemd-run --scope -p MemoryMax=1G -- COMMAND"],
            "none for the service; the job re-reads what does not fit its own limit");
    }

    private static MemoryRemedy Defrag(MemoryPicture m) => new(
        $"Do not compact in page faults: transparent huge pages are {m.TransparentHugePages ?? "?"} with defrag {m.TransparentHugePagesDefrag ?? "?"}; with defer+madvise only programs that ask (madvise) wait, others get small pages and khugepaged collapses them later",
        ["echo defer+madvise > /sys/kernel/mm/transparent_hugepage/defrag", "lasting: transparent_hugepage=madvise on the kernel command line, or a systemd unit that writes the setting at boot"],
        "fewer huge pages at first for programs that do not ask for them");

    private static MemoryRemedy Protect(MemoryCgroupState? c, string why) => c is { Version: 2, Path: { } path }
        ? new MemoryRemedy(
            $"Reserve memory for the service ({why}): cgroup v2 memory.low (best effort) or memory.min (guaranteed) keeps that much of its memory from being reclaimed for others",
            [$"echo SIZE > /sys/fs/cgroup{path}/memory.low", "for a service: MemoryLow= or MemoryMin= in its unit"],
            "that memory is no longer available to the rest of the machine under pressure; it reserves the service's own pages, not free memory")
        : new MemoryRemedy(
            $"Reserve memory for the service ({why}): on cgroup v2, memory.low or memory.min keeps its memory from being reclaimed for others; cgroup v1 has no such protection (only the soft limit), so move the service to a v2 machine or limit the others",
            ["for a systemd service on cgroup v2: MemoryLow= or MemoryMin= in its unit", "on cgroup v1: limit the other workloads (memory.limit_in_bytes)"],
            "the reserved memory is not available to the rest of the machine under pressure");

    private static MemoryRemedy MoreMemory(StallFacts f) => new(
        "Make the working set fit: memory is too small for what runs here",
        ["add memory, or move work elsewhere", IsJava(f.ProcessName) ? "or lower the JVM's heap (-Xmx) if it is larger than it needs" : "or lower what the largest processes keep (caches, heaps)"],
        "none, beyond the memory or the work moved");

    private static MemoryRemedy Swappiness(MemoryPicture m, MemoryCgroupState? c) => new(
        $"Swap less: vm.swappiness is {m.Swappiness}; lower values make reclaim drop page cache before swapping process memory",
        c is { Version: 2, Path: { } path }
            ? ["sysctl -w vm.swappiness=10", $"lasting: vm.swappiness = 10 in {SysctlFile}", $"or keep this service out of swap: echo 0 > /sys/fs/cgroup{path}/memory.swap.max"]
            : ["sysctl -w vm.swappiness=10", $"lasting: vm.swappiness = 10 in {SysctlFile}"],
        "more page cache is dropped, so file reads go to disk more often");

    private static bool IsJava(string? name) => name is not null && name.StartsWith("java", StringComparison.Ordinal);
}
