using Diag.Linux.Memory;
using Diag.Linux.ProcFs;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// A process's memory cgroup at one moment: its limit (the lowest on the way to the root), usage, page cache, the
/// protections and soft limit of cgroup v2, the counters of limit hits (v1 memory.failcnt, v2 memory.events) and the
/// pressure file of its v2 cgroup. On a hybrid machine the memory controller is on a v1 hierarchy while pressure comes
/// from the v2 tree (PSI is accounted there whatever controllers it has).
/// </summary>
internal sealed class CgroupMemorySample
{
    public required CgroupLocation Location { get; init; }

    /// <summary>1 or 2: the hierarchy of the memory controller; null when the process is in no memory cgroup.</summary>
    public int? Version { get; init; }

    public CgroupDirectory? Memory { get; init; }
    public long? LimitBytes { get; init; }
    public string? LimitPath { get; init; }
    public long? UsageBytes { get; init; }
    public long? PageCacheBytes { get; init; }
    public long? DirtyBytes { get; init; }
    public long? WritebackBytes { get; init; }
    public long? HighBytes { get; init; }
    public long? MinBytes { get; init; }
    public long? LowBytes { get; init; }

    /// <summary>Times usage hit the limit so far (v1 memory.failcnt; v2 memory.events max).</summary>
    public long? LimitHits { get; init; }

    /// <summary>Times usage went over memory.high so far (v2 memory.events high).</summary>
    public long? HighHits { get; init; }

    public long? OomKills { get; init; }

    /// <summary>The pressure of the process's v2 cgroup; null when there is none to read (see <see cref="PressureNote"/>).</summary>
    public PressureReading? Pressure { get; init; }

    /// <summary>The v2 cgroup whose pressure was read.</summary>
    public string? PressurePath { get; init; }

    /// <summary>Why there is no cgroup pressure, when there is none.</summary>
    public string? PressureNote { get; init; }

    public static CgroupMemorySample? Read(string root, int pid)
    {
        var location = CgroupLocation.Read(root, pid);
        if (location is null) return null;
        var (pressure, pressurePath, note) = ReadPressure(root, location);
        var memory = location.Memory;
        if (memory is not { } cgroup)
            return new CgroupMemorySample { Location = location, Pressure = pressure, PressurePath = pressurePath, PressureNote = note };
        int version = location.MemoryV1 is not null ? 1 : 2;
        var (limit, where) = CgroupMemory.LowestLimit(root, cgroup, version);
        string? Text(string name) => CgroupLocation.ReadText(cgroup.File(root, name));
        var stat = KeyedNumbers.ParseFlat(Text("memory.stat"));
        long? Number(string name) => CgroupMemory.Number(Text(name));
        long? Bound(string name) => Text(name)?.Trim() == "max" ? null : Number(name);
        if (version == 1)
        {
            var control = KeyedNumbers.ParseFlat(CgroupLocation.ReadText((where ?? cgroup).File(root, "memory.oom_control")));
            return new CgroupMemorySample
            {
                Location = location, Version = 1, Memory = cgroup, LimitBytes = limit, LimitPath = PathOf(where),
                UsageBytes = Number("memory.usage_in_bytes"),
                // total_*: the cgroup and its children, as its usage counts them.
                PageCacheBytes = stat["total_cache"] ?? stat["cache"],
                DirtyBytes = stat["total_dirty"] ?? stat["dirty"],
                WritebackBytes = stat["total_writeback"] ?? stat["writeback"],
                LimitHits = CgroupMemory.Number(CgroupLocation.ReadText((where ?? cgroup).File(root, "memory.failcnt"))),
                OomKills = control["oom_kill"],
                Pressure = pressure, PressurePath = pressurePath, PressureNote = note,
            };
        }
        var events = KeyedNumbers.ParseFlat(CgroupLocation.ReadText((where ?? cgroup).File(root, "memory.events")));
        var ownEvents = KeyedNumbers.ParseFlat(Text("memory.events"));
        return new CgroupMemorySample
        {
            Location = location, Version = 2, Memory = cgroup, LimitBytes = limit, LimitPath = PathOf(where),
            UsageBytes = Number("memory.current"),
            PageCacheBytes = stat["file"],
            DirtyBytes = stat["file_dirty"],
            WritebackBytes = stat["file_writeback"],
            HighBytes = Bound("memory.high"),
            MinBytes = Number("memory.min"),
            LowBytes = Number("memory.low"),
            LimitHits = events["max"],
            HighHits = ownEvents["high"],
            OomKills = events["oom_kill"],
            Pressure = pressure, PressurePath = pressurePath, PressureNote = note,
        };
    }

    private static string? PathOf(CgroupDirectory? where) => where is { } w ? (w.IsRoot ? "/" : w.Relative) : null;

    private static (PressureReading?, string?, string?) ReadPressure(string root, CgroupLocation location)
    {
        if (location.V2 is not { } v2)
            return (null, null, location.V1MemoryMounted
                ? "cgroup v1 has no memory.pressure (only memory.pressure_level notifications) and this machine mounts no v2 tree: the machine's pressure is shown"
                : "the process is in no cgroup of a v2 hierarchy: the machine's pressure is shown");
        if (v2.IsRoot)
            return (null, null, "the process is in the root cgroup of the v2 hierarchy, whose pressure is the machine's");
        var text = CgroupLocation.ReadText(v2.File(root, "memory.pressure"));
        if (PressureReading.Parse(text) is { } reading)
            return (reading, v2.Path, null);
        return (null, null, text is null
            ? $"{v2.File(root, "memory.pressure")} cannot be read (a kernel without PSI, or cgroup pressure turned off with cgroup.pressure 0)"
            : $"{v2.File(root, "memory.pressure")} has no pressure lines");
    }
}
