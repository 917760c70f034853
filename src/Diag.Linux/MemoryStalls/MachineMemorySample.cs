using Diag.Linux.ProcFs;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// The machine's memory counters at one moment: /proc/meminfo, /proc/vmstat, /proc/zoneinfo and /proc/pressure/memory,
/// read under a root path (a fixture tree in tests). Two samples make a window: state at its end, activity in between.
/// </summary>
internal sealed class MachineMemorySample
{
    private MachineMemorySample(KeyedNumbers memInfo, KeyedNumbers vmStat, List<ZoneWatermarks> zones, PressureReading? pressure, long timestamp)
    {
        MemInfo = memInfo;
        VmStat = vmStat;
        Zones = zones;
        Pressure = pressure;
        Timestamp = timestamp;
    }

    public KeyedNumbers MemInfo { get; }
    public KeyedNumbers VmStat { get; }
    public List<ZoneWatermarks> Zones { get; }

    /// <summary>/proc/pressure/memory; null on kernels without PSI (before 4.20, or booted with psi=0).</summary>
    public PressureReading? Pressure { get; }

    /// <summary>Stopwatch time of the reading.</summary>
    public long Timestamp { get; }

    public static MachineMemorySample Read(string root) => new(
        KeyedNumbers.ParseMemInfo(CgroupLocation.ReadText(CgroupLocation.Combine(root, "/proc/meminfo"))),
        KeyedNumbers.ParseFlat(CgroupLocation.ReadText(CgroupLocation.Combine(root, "/proc/vmstat"))),
        ZoneWatermarks.Parse(CgroupLocation.ReadText(CgroupLocation.Combine(root, "/proc/zoneinfo"))),
        PressureReading.Parse(CgroupLocation.ReadText(CgroupLocation.Combine(root, "/proc/pressure/memory"))),
        System.Diagnostics.Stopwatch.GetTimestamp());

    /// <summary>MemFree alone (the cheap part, read several times a window for its lowest value); null when unreadable.</summary>
    public static long? ReadFree(string root) =>
        KeyedNumbers.ParseMemInfo(CgroupLocation.ReadText(CgroupLocation.Combine(root, "/proc/meminfo")))["MemFree"];

    /// <summary>Why PSI is missing, for the verbose line that lists the sources.</summary>
    public static string PressureMissingReason(string root) =>
        File.Exists(CgroupLocation.Combine(root, "/proc/pressure/memory"))
            ? "/proc/pressure/memory cannot be read (PSI disabled: the kernel was booted with psi=0)"
            : "this kernel has no /proc/pressure/memory (PSI needs Linux 4.20 with CONFIG_PSI, and psi=1 where it is off by default)";
}
