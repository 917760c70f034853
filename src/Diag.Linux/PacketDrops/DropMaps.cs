using Diag.Linux.Bpf;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// The kernel maps of one drop watch, created before its program (which names them) and freed with it: the ring buffer
/// that streams records (with its lost-record counter), or the per-CPU hash that counts drops by key with a per-CPU
/// overflow slot for keys the hash had no room for; conntrack's last drop counter per namespace (per CPU); and the stack
/// map with -Stack. Every map is owned here and disposed once.
/// </summary>
internal sealed class DropMaps : IDisposable
{
    /// <summary>Distinct keys a summary holds (reason, place, namespace...; flows with ByFlow): more go to the overflow slot.</summary>
    public const int SummaryEntries = 16384;

    /// <summary>Namespaces whose conntrack counter is followed.</summary>
    public const int NamespaceEntries = 4096;

    /// <summary>Distinct kernel stacks kept.</summary>
    public const int StackEntries = 4096;

    private readonly List<IDisposable> _owned = new();

    private DropMaps()
    {
    }

    /// <summary>Streaming: the records.</summary>
    public BpfRingBuffer? Ring { get; private set; }

    /// <summary>Summary: per-CPU {drops, bytes} by key.</summary>
    public BpfMap? Summary { get; private set; }

    /// <summary>Summary: per-CPU {drops, bytes} that found no room in <see cref="Summary"/> (key 0).</summary>
    public BpfMap? Overflow { get; private set; }

    /// <summary>Per CPU: conntrack's drop counter at the last netfilter drop, by namespace inode.</summary>
    public BpfMap? ConntrackBaseline { get; private set; }

    /// <summary>Per CPU, one entry: {this CPU's per-CPU offset, learned (1), two scratch words}.</summary>
    public BpfMap? CpuOffset { get; private set; }

    public BpfStackTraceMap? Stacks { get; private set; }

    public static DropMaps Create(DropProgramSettings settings)
    {
        var maps = new DropMaps();
        try
        {
            if (settings.Summary)
            {
                maps.Summary = maps.Own(BpfMap.Create("diag_drop_sum", BpfMapType.PerCpuHash, settings.KeySize, DropRecordLayout.ValueSize, SummaryEntries));
                maps.Overflow = maps.Own(BpfMap.Create("diag_drop_over", BpfMapType.PerCpuArray, 4, DropRecordLayout.ValueSize, 1));
            }
            else
            {
                maps.Ring = maps.Own(BpfRingBuffer.Create("diag_drops", settings.RingBufferSizeBytes));
            }
            if (settings.ReadsConntrackCounter)
            {
                maps.ConntrackBaseline = maps.Own(BpfMap.Create("diag_drop_ct", BpfMapType.PerCpuHash, 4, 8, NamespaceEntries));
                maps.CpuOffset = maps.Own(BpfMap.Create("diag_drop_cpu", BpfMapType.PerCpuArray, 4, 32, 1));
            }
            if (settings.Stack)
                maps.Stacks = maps.Own(BpfStackTraceMap.Create("diag_drop_stack", StackEntries));
            return maps;
        }
        catch
        {
            maps.Dispose();
            throw;
        }
    }

    /// <summary>Map names by descriptor, for listings.</summary>
    public Dictionary<int, string> NamesByFd()
    {
        var names = new Dictionary<int, string>();
        if (Ring is not null)
        {
            names[Ring.Map.Fd.Value] = Ring.Map.Name;
            names[Ring.Lost.Fd.Value] = Ring.Lost.Name;
        }
        foreach (var map in new[] { Summary, Overflow, ConntrackBaseline, CpuOffset, Stacks?.Map })
            if (map is not null)
                names[map.Fd.Value] = map.Name;
        return names;
    }

    /// <summary>The ids of every map (what a test checks is gone after the watch).</summary>
    public IEnumerable<uint> Ids()
    {
        if (Ring is not null)
        {
            yield return Ring.Map.Id;
            yield return Ring.Lost.Id;
        }
        foreach (var map in new[] { Summary, Overflow, ConntrackBaseline, CpuOffset, Stacks?.Map })
            if (map is not null)
                yield return map.Id;
    }

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _owned.Clear();
    }

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }
}
