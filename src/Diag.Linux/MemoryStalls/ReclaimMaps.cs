using Diag.Linux.Bpf;
using static Diag.Linux.MemoryStalls.ReclaimStallLayout;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// The maps of a stall watch: each thread's stall in progress (an LRU hash: a thread that died mid-stall ages out),
/// each selected thread's totals (a hash; a full map is counted in <see cref="Lost"/>, never silent), the machine's
/// totals per CPU, and the selected processes when the watch is not machine-wide. Hash maps are preallocated (kernels
/// before 6.1 warn about allocation in tracing programs).
/// </summary>
internal sealed unsafe class ReclaimMaps : IDisposable
{
    public const int StartEntries = 10240, ThreadEntries = 16384, SelectedEntries = 4096;

    private readonly List<BpfMap> _all = new();

    public BpfMap Starts { get; private set; } = null!;
    public BpfMap Threads { get; private set; } = null!;
    public BpfMap Totals { get; private set; } = null!;
    public BpfMap Lost { get; private set; } = null!;

    /// <summary>The window being counted (a one-entry array of u64, starting at 1): a thread's longest stall restarts when it changes.</summary>
    public BpfMap Epoch { get; private set; } = null!;

    /// <summary>Thread group ids whose threads are kept one by one (u32 1); null when every thread is.</summary>
    public BpfMap? Selected { get; private set; }

    public static ReclaimMaps Create(IReadOnlyCollection<int>? selectedProcesses)
    {
        var maps = new ReclaimMaps();
        try
        {
            maps.Starts = maps.Add("diag_mem_starts", BpfMapType.LruHash, 4, StartSize, StartEntries);
            maps.Threads = maps.Add("diag_mem_threads", BpfMapType.Hash, 4, ValueSize, ThreadEntries);
            maps.Totals = maps.Add("diag_mem_totals", BpfMapType.PerCpuArray, 4, ValueSize, 1);
            maps.Lost = maps.Add("diag_mem_lost", BpfMapType.PerCpuArray, 4, 8, LostSlots);
            maps.Epoch = maps.Add("diag_mem_epoch", BpfMapType.Array, 4, 8, 1);
            maps.SetEpoch(1);
            if (selectedProcesses is not null)
            {
                maps.Selected = maps.Add("diag_mem_select", BpfMapType.Hash, 4, 4, SelectedEntries);
                foreach (var pid in selectedProcesses.Take(SelectedEntries))
                    maps.Select(pid);
            }
            return maps;
        }
        catch
        {
            maps.Dispose();
            throw;
        }
    }

    /// <summary>Adds a process to the selection (a process that appeared after the start, in -Continuous).</summary>
    public void Select(int processId)
    {
        uint key = (uint)processId, one = 1;
        Selected?.Update(&key, &one);
    }

    /// <summary>Starts counting window <paramref name="epoch"/>: longest stalls recorded from now on belong to it.</summary>
    public void SetEpoch(long epoch)
    {
        uint key = 0;
        var value = (ulong)epoch;
        Epoch.Update(&key, &value);
    }

    /// <summary>Every thread's totals: thread id and raw value.</summary>
    public List<(int ThreadId, byte[] Value)> ReadThreads()
    {
        var result = new List<(int, byte[])>();
        var seen = new HashSet<int>();
        var value = new byte[ValueSize];
        foreach (var key in Threads.Keys())
        {
            var tid = BitConverter.ToInt32(key);
            if (!seen.Add(tid)) continue;
            fixed (byte* k = key, v = value)
                if (Threads.Lookup(k, v)) result.Add((tid, value.ToArray()));
        }
        return result;
    }

    /// <summary>Removes a thread's totals (a thread that has exited, once its last values were read).</summary>
    public void ForgetThread(int threadId)
    {
        uint key = (uint)threadId;
        Threads.Delete(&key);
    }

    /// <summary>Every stall in progress: thread id and raw start value (entries whose starts are both 0 are left out).</summary>
    public List<(int ThreadId, byte[] Value)> ReadStarts()
    {
        var result = new List<(int, byte[])>();
        var seen = new HashSet<int>();
        var value = new byte[StartSize];
        foreach (var key in Starts.Keys())
        {
            var tid = BitConverter.ToInt32(key);
            if (!seen.Add(tid)) continue;
            fixed (byte* k = key, v = value)
                if (Starts.Lookup(k, v) && (BitConverter.ToUInt64(value, StartReclaim) != 0 || BitConverter.ToUInt64(value, StartCompaction) != 0))
                    result.Add((tid, value.ToArray()));
        }
        return result;
    }

    /// <summary>The machine's totals: the per-CPU values summed (the longest stall is not kept per CPU: left 0).</summary>
    public byte[] ReadTotals()
    {
        var perCpu = new byte[Totals.LookupSize];
        var sum = new byte[ValueSize];
        uint key = 0;
        fixed (byte* v = perCpu)
            if (!Totals.Lookup(&key, v)) return sum;
        for (int offset = DirectNanoseconds; offset < LongestNanoseconds; offset += 8)
        {
            ulong total = 0;
            for (int cpu = 0; cpu < PossibleCpus.Count; cpu++)
                total += BitConverter.ToUInt64(perCpu, cpu * Totals.PerCpuStride + offset);
            BitConverter.TryWriteBytes(sum.AsSpan(offset), total);
        }
        return sum;
    }

    /// <summary>The lost counters summed over the CPUs, by slot.</summary>
    public long[] ReadLost()
    {
        var lost = new long[LostSlots];
        for (uint slot = 0; slot < LostSlots; slot++)
            lost[slot] = (long)Lost.SumPerCpu(slot);
        return lost;
    }

    /// <summary>The maps' ids, for tests that check nothing is left behind.</summary>
    public IEnumerable<uint> Ids => _all.Select(m => m.Id);

    public void Dispose()
    {
        foreach (var map in _all)
            map.Dispose();
        _all.Clear();
    }

    private BpfMap Add(string name, BpfMapType type, int keySize, int valueSize, int maxEntries)
    {
        var map = BpfMap.Create(name, type, keySize, valueSize, maxEntries);
        _all.Add(map);
        return map;
    }
}
