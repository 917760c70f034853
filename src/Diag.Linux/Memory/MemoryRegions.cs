namespace Diag.Linux.Memory;

/// <summary>Turns a snapshot into one <see cref="MemoryRegion"/> per mapping.</summary>
internal static class MemoryRegions
{
    public static MemoryRegion[] Build(ProcessMemorySnapshot snapshot)
    {
        var maps = snapshot.Smaps.AsSpan();
        var layout = snapshot.Layout;
        var regions = new MemoryRegion[maps.Length];
        for (int i = 0; i < maps.Length; i++)
            regions[i] = new MemoryRegion(snapshot.ProcessId, snapshot.ProcessName, maps[i], snapshot.Smaps.PathOf(maps[i]),
                layout.Kinds[i], layout.ThreadIds[i], layout.Arenas[i], layout.Details[i], snapshot.Timestamp);
        return regions;
    }
}
