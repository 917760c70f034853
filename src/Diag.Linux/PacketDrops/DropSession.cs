using Diag.Linux.Bpf;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// One drop program loaded and attached to skb:kfree_skb (tp_btf), with its maps: everything the kernel holds for a
/// watch, owned here and released by Dispose (link first, so the program stops running, then the reader, the program and
/// the maps); the descriptors' SafeHandles release them even if Dispose is never called, and the kernel does when the
/// process dies.
/// </summary>
internal sealed unsafe class DropSession : IDisposable
{
    private readonly DropMaps _maps;
    private readonly BpfProgram _program;
    private readonly RawTracepointLink _link;
    private int _disposed;

    private DropSession(DropProgramSettings settings, DropMaps maps, BpfProgram program, RawTracepointLink link, BpfRingBufferReader? reader)
    {
        Settings = settings;
        _maps = maps;
        _program = program;
        _link = link;
        Reader = reader;
    }

    public DropProgramSettings Settings { get; }

    /// <summary>Streaming: the records' reader.</summary>
    public BpfRingBufferReader? Reader { get; }

    public BpfStackTraceMap? Stacks => _maps.Stacks;

    /// <summary>The program's and its maps' ids, for tests that check nothing is left.</summary>
    public (uint Program, uint Link, IReadOnlyList<uint> Maps) Ids => (_program.Id, _link.Id, _maps.Ids().ToArray());

    /// <summary>Loads and attaches. Throws <see cref="BpfProgramRejectedException"/> (the verifier's refusal, or EPERM),
    /// <see cref="Interop.SyscallException"/> (a map or the link).</summary>
    public static DropSession Start(DropProgramSettings settings)
    {
        var maps = DropMaps.Create(settings);
        BpfProgram? program = null;
        RawTracepointLink? link = null;
        try
        {
            program = BpfProgram.LoadTracing(DropProgram.Name, new DropProgram(settings, maps).Build(), BpfAttachType.TraceRawTracepoint,
                settings.Layout.TracepointBtfId);
            link = RawTracepointLink.AttachBtf(program, SkbLayout.Tracepoint);
            var reader = maps.Ring?.OpenReader();
            return new DropSession(settings, maps, program, link, reader);
        }
        catch
        {
            link?.Dispose();
            program?.Dispose();
            maps.Dispose();
            throw;
        }
    }

    /// <summary>Records the ring buffer had no room for.</summary>
    public long LostRecords => _maps.Ring?.LostRecords ?? 0;

    /// <summary>Drops the kernel did not run the program for: a drop on a CPU where the program was already running
    /// (an interrupt's drop during a drop in process context).</summary>
    public long MissedRuns => (long)BpfProgramInfo.RecursionMisses(_program);

    /// <summary>Summary: every key with its {drops, bytes} summed over the CPUs, and the overflow slot's.</summary>
    public (List<(byte[] Key, long Drops, long Bytes)> Keys, long OverflowDrops, long OverflowBytes) ReadSummary()
    {
        var summary = _maps.Summary ?? throw new InvalidOperationException("not a summary");
        var rows = new List<(byte[], long, long)>();
        var values = new byte[summary.LookupSize];
        var seen = new HashSet<string>();
        foreach (var key in summary.Keys())
        {
            if (!seen.Add(Convert.ToHexString(key)))
                continue;
            fixed (byte* k = key, v = values)
                if (!summary.Lookup(k, v))
                    continue;
            var (drops, bytes) = Sum(values, summary.PerCpuStride);
            rows.Add((key, drops, bytes));
        }
        var overflow = new byte[_maps.Overflow!.LookupSize];
        var zero = 0u;
        fixed (byte* v = overflow)
            _maps.Overflow.Lookup(&zero, v);
        var (overflowDrops, overflowBytes) = Sum(overflow, _maps.Overflow.PerCpuStride);
        return (rows, overflowDrops, overflowBytes);
    }

    private static (long Drops, long Bytes) Sum(byte[] perCpu, int stride)
    {
        long drops = 0, bytes = 0;
        for (var offset = 0; offset + 16 <= perCpu.Length; offset += stride)
        {
            drops += BitConverter.ToInt64(perCpu, offset);
            bytes += BitConverter.ToInt64(perCpu, offset + 8);
        }
        return (drops, bytes);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _link.Dispose();
        Reader?.Dispose();
        _program.Dispose();
        _maps.Dispose();
    }
}
