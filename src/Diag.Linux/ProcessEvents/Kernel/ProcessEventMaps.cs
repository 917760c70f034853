using Diag.Linux.Bpf;

namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>
/// The maps of one watch. Hash maps are preallocated (no allocation in a tracepoint) and sized for a busy
/// machine; an insert that finds one full is counted in <see cref="Lost"/> and said, never silent.
/// </summary>
internal sealed class ProcessEventMaps : IDisposable
{
    public const int SummaryEntries = 16384, ExecutableEntries = 8192, FilterEntries = 4096, DescendantEntries = 65536;

    /// <summary>The ring buffer's size: at the largest record (7.3 KiB) it holds over 2,000 exec records, and
    /// many more of the usual few hundred bytes.</summary>
    public const int RingBytes = 16 << 20;

    private readonly List<IDisposable> _all = new();

    private ProcessEventMaps()
    {
    }

    /// <summary>Records, one per event (not for a summary).</summary>
    public BpfRingBuffer? Events { get; private set; }

    /// <summary>A per-CPU scratch value (<see cref="ProcessRecordLayout.ScratchSize"/>) where exec records and path walks are built.</summary>
    public BpfMap Scratch { get; private set; } = null!;

    /// <summary>Per-CPU counters per <see cref="SummaryKeyLayout"/> (summary only).</summary>
    public BpfMap? Summary { get; private set; }

    /// <summary>Executable (device, inode) to its path, walked once.</summary>
    public BpfMap Executables { get; private set; } = null!;

    /// <summary>Per-CPU counters of inserts that failed (<see cref="LostSlots"/>).</summary>
    public BpfMap Lost { get; private set; } = null!;

    /// <summary>-ParentId: thread group ids (value 1 for the given processes, 2 for descendants found or forked).</summary>
    public BpfMap? Parents { get; private set; }

    /// <summary>-UserName: real uids.</summary>
    public BpfMap? Users { get; private set; }

    /// <summary>-Name without wildcards: comm values, NUL-padded to 16 bytes.</summary>
    public BpfMap? Names { get; private set; }

    /// <summary>-Path without wildcards: executables by (device, inode).</summary>
    public BpfMap? ExecutableFilter { get; private set; }

    public static ProcessEventMaps Create(ProcessProgramSettings settings)
    {
        var maps = new ProcessEventMaps();
        try
        {
            if (!settings.Summary)
            {
                maps.Events = BpfRingBuffer.Create("diag_procev", settings.RingBytes);
                maps._all.Add(maps.Events);
            }
            maps.Scratch = maps.Add("diag_proc_scr", BpfMapType.PerCpuArray, 4, ProcessRecordLayout.ScratchSize, 1);
            if (settings.Summary)
                maps.Summary = maps.Add("diag_proc_sum", BpfMapType.PerCpuHash, SummaryKeyLayout.Size, SummaryValueLayout.Size, SummaryEntries);
            maps.Executables = maps.Add("diag_proc_exe", BpfMapType.Hash, ExeKeyLayout.Size, ExeKeyLayout.ValueSize, ExecutableEntries);
            maps.Lost = maps.Add("diag_proc_lost", BpfMapType.PerCpuArray, 4, 8, LostSlots.Count);
            if (settings.Parents != ParentFilterMode.None)
                maps.Parents = maps.Add("diag_proc_par", BpfMapType.Hash, 4, 4, settings.Parents == ParentFilterMode.Descendants ? DescendantEntries : FilterEntries);
            if (settings.FilterUsers)
                maps.Users = maps.Add("diag_proc_uid", BpfMapType.Hash, 4, 4, FilterEntries);
            if (settings.FilterNames)
                maps.Names = maps.Add("diag_proc_name", BpfMapType.Hash, 16, 4, FilterEntries);
            if (settings.FilterExecutables)
                maps.ExecutableFilter = maps.Add("diag_proc_exef", BpfMapType.Hash, ExeKeyLayout.Size, 4, FilterEntries);
            return maps;
        }
        catch
        {
            maps.Dispose();
            throw;
        }
    }

    /// <summary>The lost count of one slot, over every CPU.</summary>
    public long LostIn(int slot) => (long)Lost.SumPerCpu((uint)slot);

    public void Dispose()
    {
        for (var i = _all.Count - 1; i >= 0; i--)
            _all[i].Dispose();
        _all.Clear();
    }

    private BpfMap Add(string name, BpfMapType type, int keySize, int valueSize, int maxEntries)
    {
        var map = BpfMap.Create(name, type, keySize, valueSize, maxEntries);
        _all.Add(map);
        return map;
    }
}
