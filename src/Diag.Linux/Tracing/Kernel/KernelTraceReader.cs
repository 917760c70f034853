using System.Buffers.Binary;
using static Diag.Linux.Tracing.Kernel.SyscallStatsLayout;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>
/// Reads a finished kernel trace's maps into the counters the ptrace engine fills too, so that both
/// backends' rows come from <see cref="SummaryBuilder"/>: per-CPU values summed (maxima taken), keyed
/// values grouped by process (and thread), errors by errno added to their syscall.
/// </summary>
internal sealed unsafe class KernelTraceReader
{
    private readonly KernelTraceMaps _maps;
    private readonly KernelTraceSettings _settings;
    private readonly int _processId;
    private readonly Dictionary<(int Pid, int Tid), SyscallCounters> _byTask = new();

    public KernelTraceReader(KernelTraceMaps maps, KernelTraceSettings settings, int processId)
    {
        _maps = maps;
        _settings = settings;
        _processId = processId;
    }

    public IReadOnlyCollection<SyscallCounters> Read()
    {
        if (_settings.Keyed)
            ReadKeyed();
        else
            ReadArray();
        ReadErrors();
        return _byTask.Values;
    }

    /// <summary>The per-CPU array: one lookup per syscall number returns every CPU's value.</summary>
    private void ReadArray()
    {
        var stride = (_maps.Stats.ValueSize + 7) / 8 * 8;
        var buffer = new byte[_maps.Stats.LookupSize];
        fixed (byte* values = buffer)
        {
            for (uint number = 0; number < MaxSyscalls; number++)
            {
                if (!_maps.Stats.Lookup(&number, values))
                    continue;
                var calls = 0L;
                for (var cpu = 0; cpu < buffer.Length / stride; cpu++)
                    calls += (long)U64(buffer, cpu * stride + SyscallStatsLayout.Calls);
                if (calls == 0)
                    continue;
                var counter = Counters(_processId, 0).CounterFor((int)number);
                for (var cpu = 0; cpu < buffer.Length / stride; cpu++)
                    Accumulate(counter, buffer.AsSpan(cpu * stride, _maps.Stats.ValueSize));
            }
        }
    }

    /// <summary>The hash keyed by (process, thread or 0, syscall).</summary>
    private void ReadKeyed()
    {
        var value = new byte[_maps.Stats.LookupSize];
        foreach (var key in _maps.Stats.Keys().DistinctBy(Convert.ToHexString))
        {
            fixed (byte* k = key, v = value)
                if (!_maps.Stats.Lookup(k, v))
                    continue;
            var pid = BinaryPrimitives.ReadInt32LittleEndian(key.AsSpan(StatsKey.ProcessId));
            var tid = BinaryPrimitives.ReadInt32LittleEndian(key.AsSpan(StatsKey.ThreadId));
            var number = BinaryPrimitives.ReadInt32LittleEndian(key.AsSpan(StatsKey.Number));
            if (U64(value, SyscallStatsLayout.Calls) == 0)
                continue;
            Accumulate(Counters(pid, tid).CounterFor(number), value);
        }
    }

    private void ReadErrors()
    {
        ulong count;
        foreach (var key in _maps.Errors.Keys().DistinctBy(Convert.ToHexString))
        {
            fixed (byte* k = key)
                if (!_maps.Errors.Lookup(k, &count))
                    continue;
            var pid = BinaryPrimitives.ReadInt32LittleEndian(key.AsSpan(ErrorKey.ProcessId));
            var tid = BinaryPrimitives.ReadInt32LittleEndian(key.AsSpan(ErrorKey.ThreadId));
            var number = BinaryPrimitives.ReadInt32LittleEndian(key.AsSpan(ErrorKey.Number));
            var errno = BinaryPrimitives.ReadInt32LittleEndian(key.AsSpan(ErrorKey.Errno));
            var counter = Counters(_settings.Keyed ? pid : _processId, tid).CounterFor(number);
            counter.ErrorsByErrno ??= new Dictionary<int, long>();
            counter.ErrorsByErrno[errno] = counter.ErrorsByErrno.GetValueOrDefault(errno) + (long)count;
        }
    }

    private void Accumulate(CallCounter counter, ReadOnlySpan<byte> value)
    {
        counter.Calls += (long)U64(value, SyscallStatsLayout.Calls);
        counter.Errors += (long)U64(value, SyscallStatsLayout.Errors);
        if (!_settings.MeasureLatency)
            return;
        counter.TotalTicks += SummaryBuilder.FromNanoseconds((long)U64(value, TotalNanoseconds));
        counter.MaxTicks = Math.Max(counter.MaxTicks, SummaryBuilder.FromNanoseconds((long)U64(value, MaxNanoseconds)));
        counter.Histogram ??= new long[Buckets];
        for (var i = 0; i < Buckets; i++)
            counter.Histogram[i] += (long)U64(value, Histogram + i * 8);
    }

    /// <summary>The counters of a process (tid 0) or, by thread, of one thread.</summary>
    private SyscallCounters Counters(int pid, int tid)
    {
        var key = (pid, _settings.ByThread ? tid : 0);
        if (!_byTask.TryGetValue(key, out var counters))
            _byTask[key] = counters = new SyscallCounters(pid, _settings.ByThread ? tid : null);
        return counters;
    }

    private static ulong U64(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]);
}
