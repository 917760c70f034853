using Diag.Linux.Bpf;
using static Diag.Linux.Tracing.Kernel.SyscallStatsLayout;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>
/// The maps of one kernel trace. Hash maps are preallocated (kernels before 6.1 warn about run-time
/// allocation in tracing programs) and sized so that a busy target fits; an update that finds a map full
/// is counted in <see cref="Lost"/> and reported, never silent.
/// </summary>
internal sealed unsafe class KernelTraceMaps : IDisposable
{
    public const int KeyedStatsEntries = 8192, ErrorEntries = 4096, EntryEntries = 10240, ExecEntryEntries = 256, TracedEntries = 8192;

    private readonly List<BpfMap> _all = new();

    /// <summary>Per syscall: a per-CPU array indexed by number, or (keyed) a hash by <see cref="StatsKey"/>.</summary>
    public BpfMap Stats { get; private set; } = null!;

    /// <summary>One all-zero statistics value: what a new key of the keyed statistics starts from.</summary>
    public BpfMap? Zero { get; private set; }

    /// <summary>Errors by <see cref="ErrorKey"/> (process, thread, syscall, errno), u64 counts.</summary>
    public BpfMap Errors { get; private set; } = null!;

    /// <summary>The call in progress per thread id: entry time and syscall number (LRU: dead threads age out).</summary>
    public BpfMap? Entries { get; private set; }

    /// <summary>execve in progress per thread group: a non-leader thread's successful execve returns under the leader's id.</summary>
    public BpfMap? ExecEntries { get; private set; }

    /// <summary>Selected syscall numbers (u32 1) when the trace counts only some.</summary>
    public BpfMap? Selected { get; private set; }

    /// <summary>Thread group ids followed besides the target (FollowForks).</summary>
    public BpfMap? Traced { get; private set; }

    /// <summary>The target's exit status: { u32 wait status, u32 1 once written } (WatchExit).</summary>
    public BpfMap? Exit { get; private set; }

    /// <summary>Per-CPU counters of updates that failed (<see cref="SyscallStatsLayout.LostSlots"/>).</summary>
    public BpfMap Lost { get; private set; } = null!;

    public static KernelTraceMaps Create(KernelTraceSettings settings, IReadOnlySet<int>? syscalls)
    {
        var maps = new KernelTraceMaps();
        try
        {
            var valueSize = ValueSize(settings.MeasureLatency);
            if (settings.Keyed)
            {
                maps.Stats = maps.Add("diag_stats", BpfMapType.Hash, StatsKey.Size, valueSize, KeyedStatsEntries);
                maps.Zero = maps.Add("diag_zero", BpfMapType.Array, 4, valueSize, 1);
            }
            else
            {
                maps.Stats = maps.Add("diag_stats", BpfMapType.PerCpuArray, 4, valueSize, MaxSyscalls);
            }
            maps.Errors = maps.Add("diag_errors", BpfMapType.Hash, ErrorKey.Size, 8, ErrorEntries);
            maps.Lost = maps.Add("diag_lost", BpfMapType.PerCpuArray, 4, 8, LostSlots);
            if (settings.MeasureLatency)
            {
                maps.Entries = maps.Add("diag_entries", BpfMapType.LruHash, 4, 16, EntryEntries);
                maps.ExecEntries = maps.Add("diag_exec", BpfMapType.LruHash, 4, 16, ExecEntryEntries);
            }
            if (settings.FollowForks)
                maps.Traced = maps.Add("diag_traced", BpfMapType.Hash, 4, 4, TracedEntries);
            if (settings.WatchExit)
                maps.Exit = maps.Add("diag_exit", BpfMapType.Array, 4, 8, 1);
            if (syscalls is not null)
            {
                maps.Selected = maps.Add("diag_selected", BpfMapType.Array, 4, 4, MaxSyscalls);
                uint one = 1;
                foreach (var number in syscalls)
                    if ((uint)number < MaxSyscalls)
                    {
                        var key = (uint)number;
                        maps.Selected.Update(&key, &one);
                    }
            }
            return maps;
        }
        catch
        {
            maps.Dispose();
            throw;
        }
    }

    /// <summary>The sum of the per-CPU lost counters, by slot.</summary>
    public long[] ReadLost()
    {
        var lost = new long[LostSlots];
        var buffer = new long[Lost.LookupSize / 8];
        fixed (long* values = buffer)
        {
            for (uint slot = 0; slot < LostSlots; slot++)
            {
                if (!Lost.Lookup(&slot, values))
                    continue;
                foreach (var v in buffer)
                    lost[slot] += v;
            }
        }
        return lost;
    }

    /// <summary>The exit status the sched_process_exit program recorded (wait status encoding), or null.</summary>
    public int? ReadExitStatus()
    {
        uint key = 0;
        ulong value;
        if (Exit is null || !Exit.Lookup(&key, &value) || (value >> 32) == 0)
            return null;
        return (int)(uint)value;
    }

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

/// <summary>Key of the keyed statistics: thread group, thread (0 unless by thread), syscall number, padding.</summary>
internal static class StatsKey
{
    public const int Size = 16;
    public const short ProcessId = 0, ThreadId = 4, Number = 8, Pad = 12;
}

/// <summary>Key of the error counts: thread group and thread (0 unless the statistics are keyed so), syscall number, errno.</summary>
internal static class ErrorKey
{
    public const int Size = 16;
    public const short ProcessId = 0, ThreadId = 4, Number = 8, Errno = 12;
}
