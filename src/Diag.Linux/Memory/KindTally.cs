namespace Diag.Linux.Memory;

/// <summary>Sums of the mappings of one kind, in bytes.</summary>
internal struct KindTally
{
    public int Count;
    public long Size, Rss, Pss, PrivateDirty, Swap;

    /// <summary>Sums per kind (indexed by the enum's value).</summary>
    public static KindTally[] Of(ProcessMemorySnapshot snapshot)
    {
        var tallies = new KindTally[Enum.GetValues<MemoryKind>().Length];
        var maps = snapshot.Smaps.AsSpan();
        var kinds = snapshot.Layout.Kinds;
        for (int i = 0; i < maps.Length; i++)
        {
            ref var t = ref tallies[(int)kinds[i]];
            ref readonly var m = ref maps[i];
            t.Count++;
            t.Size += (long)m.Size;
            t.Rss += m.RssKb * 1024;
            t.Pss += m.PssKb * 1024;
            t.PrivateDirty += m.PrivateDirtyKb * 1024;
            t.Swap += m.SwapKb * 1024;
        }
        return tallies;
    }
}
