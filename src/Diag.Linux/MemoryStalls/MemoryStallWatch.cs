using System.Diagnostics;
using Diag.Linux.ProcFs;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// One watch of memory stalls: the sources opened once (the stall programs where they can run, the thread sampler with
/// delay accounting where it is on), a sample of everything at the start of each window, and at its end one report per
/// process (or for the machine) made of the differences. Windows follow each other without a gap: a window's end sample
/// is the next one's start. Disposing detaches the programs. Not thread-safe.
/// </summary>
internal sealed class MemoryStallWatch : IDisposable
{
    private readonly MemoryStallOptions _options;
    private readonly string _root;
    private readonly long _pageSize = Environment.SystemPageSize;
    private readonly ThreadActivitySampler _sampler;
    private readonly ReclaimTracer? _tracer;
    private readonly bool _delays;
    private readonly string? _notMeasuredReason;
    private readonly List<string> _sources = new();
    private readonly List<MemoryStallItem> _notices = new();
    private readonly Dictionary<int, string>? _processes;

    private MachineMemorySample _machineStart;
    private Dictionary<int, ThreadActivity> _threadsStart;
    private Dictionary<int, CgroupMemorySample?> _cgroupsStart = new();
    private Dictionary<int, ThreadStallCounters> _tracedBefore = new();
    private ThreadStallCounters _machineBefore;
    private long _epoch = 1;
    private long? _lowestFree;
    private long _windowStart;
    private long _lost;

    private MemoryStallWatch(MemoryStallOptions options)
    {
        _options = options;
        _root = options.Root;
        _processes = options.Processes?.ToDictionary(p => p.Key, p => p.Value);

        _delays = DelayAccountingSetting.IsOn(_root, out var delayWords);
        _sampler = new ThreadActivitySampler(_root, withDelays: _delays);
        if (_delays && !_sampler.ReadsDelays)
            _notices.Add(MemoryStallItem.Verbose($"{delayWords}, but taskstats cannot be used ({_sampler.TaskstatsUnusedReason}): the per-thread delays need root or CAP_NET_ADMIN"));
        else _notices.Add(MemoryStallItem.Verbose(delayWords.EndsWith(')') || delayWords.Contains("off", StringComparison.Ordinal) ? delayWords : delayWords));
        _delays &= _sampler.ReadsDelays;

        if (options.UseTracing)
        {
            try
            {
                _tracer = ReclaimTracer.Start(_processes?.Keys.ToArray());
            }
            catch (StallTracingUnavailableException e)
            {
                _notMeasuredReason = e.AccessDenied ? "no privilege for the eBPF programs" : "the eBPF programs cannot run here";
                _notices.Add(MemoryStallItem.Warning(
                    $"Per-thread reclaim and compaction times are not measured: {e.Message}." + (e.Remedy.Length > 0 ? $" To measure them, {e.Remedy}." : "") +
                    (_delays ? " Delay accounting's per-thread delays are shown instead." : " Shown instead: pressure (PSI), the memory picture and fault counts.")));
            }
        }
        else _notMeasuredReason = "eBPF was not asked for";
        if (_tracer is null && !_delays)
            _notMeasuredReason = (_notMeasuredReason ?? "no eBPF") + " and delay accounting is off";

        if (_tracer is not null)
        {
            var kinds = new List<string> { "direct reclaim" };
            if (_tracer.WatchesCgroupReclaim) kinds.Add("cgroup limit reclaim");
            if (_tracer.WatchesCompaction) kinds.Add("direct compaction");
            if (_tracer.Attached.Contains("mm_vmscan_throttled")) kinds.Add("writeback throttling");
            _sources.Add("eBPF: " + string.Join(", ", kinds));
            _notices.Add(MemoryStallItem.Verbose(
                $"Timing each thread's stalls in the kernel (eBPF, as drsnoop does) on raw tracepoints {string.Join(", ", _tracer.Attached)} ({_tracer.InstructionCount} instructions)" +
                (_tracer.Missing.Count > 0 ? "; not measured on this kernel: " + string.Join("; ", _tracer.Missing) : "")));
        }
        if (_delays) _sources.Add("delay accounting (taskstats)");
        _sources.Add("major faults (/proc)");

        _machineStart = MachineMemorySample.Read(_root);
        if (_machineStart.Pressure is not null) _sources.Add("PSI (/proc/pressure/memory)");
        else _notices.Add(MemoryStallItem.Verbose("No memory pressure figures: " + MachineMemorySample.PressureMissingReason(_root)));
        _sources.Add("meminfo, zoneinfo, vmstat, vm sysctls");
        _threadsStart = _sampler.Sample(_processes?.Keys.ToArray());
        if (_processes is not null)
        {
            foreach (var pid in _processes.Keys)
                _cgroupsStart[pid] = CgroupMemorySample.Read(_root, pid);
            NoteCgroups();
        }
        _lowestFree = _machineStart.MemInfo["MemFree"];
        _windowStart = Stopwatch.GetTimestamp();
    }

    /// <summary>Opens the sources and takes the first window's start sample. Throws <see cref="Interop.SyscallException"/>
    /// when /proc cannot be read.</summary>
    public static MemoryStallWatch Start(MemoryStallOptions options) => new(options);

    /// <summary>Notes gathered since the last call (sources, what is missing), in order.</summary>
    public List<MemoryStallItem> TakeNotices()
    {
        var notices = _notices.ToList();
        _notices.Clear();
        return notices;
    }

    /// <summary>The processes still watched (null: the machine).</summary>
    public IReadOnlyCollection<int>? Processes => _processes?.Keys;

    /// <summary>True when the eBPF programs run.</summary>
    internal bool Traced => _tracer is not null;

    internal ReclaimTracer? Tracer => _tracer;

    /// <summary>Samples free memory, for the lowest value of the window (cheap: /proc/meminfo).</summary>
    public void Tick()
    {
        if (MachineMemorySample.ReadFree(_root) is { } free && (_lowestFree is null || free < _lowestFree)) _lowestFree = free;
    }

    /// <summary>Ends the window: reads every source again, builds the reports, and starts the next window.</summary>
    public List<MemoryStallReport> Finish()
    {
        var reading = _tracer?.Read(_epoch + 1);
        var machineEnd = MachineMemorySample.Read(_root);
        var endTimestamp = Stopwatch.GetTimestamp();
        var window = Stopwatch.GetElapsedTime(_windowStart, endTimestamp);
        var endTime = DateTime.Now;
        var pids = _processes?.Keys.ToArray();
        var threadsEnd = _sampler.Sample(pids);
        var cgroupsEnd = new Dictionary<int, CgroupMemorySample?>();
        if (pids is not null)
            foreach (var pid in pids)
                cgroupsEnd[pid] = CgroupMemorySample.Read(_root, pid);
        var picture = new MemoryPicture(_machineStart, machineEnd, _lowestFree, VmSettings.Read(_root), window, _pageSize);
        var systemPressure = _machineStart.Pressure is { } p0 && machineEnd.Pressure is { } p1 ? new MemoryPressure("system", window, p0, p1) : null;
        ThreadStallCounters? machine = reading is null ? null : reading.Machine.Minus(_machineBefore, _epoch);

        var threads = Threads(reading, threadsEnd, window);
        var reports = new List<MemoryStallReport>();
        var measured = _tracer is not null || _delays;
        if (_processes is null)
        {
            reports.Add(StallReportBuilder.Build(null, null, threads, measured, _notMeasuredReason, window, endTime, picture, systemPressure, null,
                machine, _tracer is not null, _sources));
        }
        else
        {
            foreach (var (pid, name) in _processes)
            {
                var cgroup = _cgroupsStart.GetValueOrDefault(pid) is { } c0 && cgroupsEnd.GetValueOrDefault(pid) is { } c1
                    ? new MemoryCgroupState(c0, c1, window) : null;
                reports.Add(StallReportBuilder.Build(pid, name, threads.Where(t => t.ProcessId == pid).ToArray(), measured, _notMeasuredReason,
                    window, endTime, picture, systemPressure, cgroup, machine, _tracer is not null, Sources(cgroup)));
            }
        }

        if (reading is not null) NoteLost(reading);
        NextWindow(reading, machineEnd, threadsEnd, cgroupsEnd, endTimestamp);
        return reports;
    }

    /// <summary>Every thread with something to report, from all sources.</summary>
    private List<ThreadMemoryStall> Threads(ReclaimReading? reading, Dictionary<int, ThreadActivity> threadsEnd, TimeSpan window)
    {
        var builder = new ThreadStallBuilder(window, _tracer is not null, _delays);
        var open = reading?.Open.Where(o => Watched(o.ThreadGroup)).ToDictionary(o => o.ThreadId) ?? new Dictionary<int, OpenStall>();
        var tids = new HashSet<int>(threadsEnd.Keys);
        tids.UnionWith(_threadsStart.Keys);
        if (reading is not null)
        {
            tids.UnionWith(reading.Threads.Where(t => Watched(t.Value.ThreadGroup)).Select(t => t.Key));
            tids.UnionWith(open.Keys);
        }
        var names = new Dictionary<int, string>();
        var result = new List<ThreadMemoryStall>();
        foreach (var tid in tids)
        {
            var start = _threadsStart.TryGetValue(tid, out var s) ? s : (ThreadActivity?)null;
            var end = threadsEnd.TryGetValue(tid, out var e) ? e : (ThreadActivity?)null;
            ThreadStallCounters? counters = null;
            if (reading?.Threads.TryGetValue(tid, out var now) == true)
                counters = now.Minus(_tracedBefore.TryGetValue(tid, out var before) ? before : default, _epoch);
            OpenStall? stall = open.TryGetValue(tid, out var o) ? o : null;
            var pid = end?.ProcessId ?? start?.ProcessId ?? counters?.ThreadGroup ?? stall?.ThreadGroup ?? 0;
            if (!Watched(pid)) continue;
            var thread = builder.Build(pid, tid, ProcessName(pid, names, start, end), counters, stall, reading?.MonotonicNanoseconds ?? 0, start, end);
            if (thread is not null) result.Add(thread);
        }
        return result;
    }

    private bool Watched(int pid) => _processes is null || _processes.ContainsKey(pid);

    private string ProcessName(int pid, Dictionary<int, string> names, ThreadActivity? start, ThreadActivity? end)
    {
        if (_processes?.TryGetValue(pid, out var known) == true) return known;
        if (names.TryGetValue(pid, out var name)) return name;
        name = _sampler.ProcessName(pid)
            ?? (_threadsStart.TryGetValue(pid, out var leader) ? leader.ThreadName : null)
            ?? end?.ThreadName ?? start?.ThreadName ?? "?";
        names[pid] = name;
        return name;
    }

    private List<string> Sources(MemoryCgroupState? cgroup)
    {
        var sources = new List<string>(_sources);
        if (cgroup?.Version is { } version) sources.Add($"cgroup v{version} memory controller");
        if (cgroup?.Pressure is not null) sources.Add("cgroup memory.pressure");
        return sources;
    }

    private void NoteCgroups()
    {
        foreach (var (pid, sample) in _cgroupsStart)
        {
            if (sample is null) continue;
            var name = _processes![pid];
            if (sample.Version is null)
                _notices.Add(MemoryStallItem.Verbose($"{name} ({pid}) is in no memory cgroup: no limit applies to it"));
            if (sample.PressureNote is { } note)
                _notices.Add(MemoryStallItem.Verbose($"No cgroup pressure for {name} ({pid}): {note}"));
        }
    }

    private void NoteLost(ReclaimReading reading)
    {
        var lost = reading.Lost[ReclaimStallLayout.LostThreads] + reading.Lost[ReclaimStallLayout.LostStarts];
        if (lost <= _lost) return;
        _notices.Add(MemoryStallItem.Warning(
            $"{lost - _lost} stalls were not kept: the kernel's map of threads ({ReclaimMaps.ThreadEntries}) or of stalls in progress ({ReclaimMaps.StartEntries}) was full; the machine's totals still count them"));
        _lost = lost;
    }

    /// <summary>The end of this window is the start of the next; processes that exited are dropped, new ones that match
    /// -Name join, and the kernel forgets threads that have exited.</summary>
    private void NextWindow(ReclaimReading? reading, MachineMemorySample machineEnd, Dictionary<int, ThreadActivity> threadsEnd,
        Dictionary<int, CgroupMemorySample?> cgroupsEnd, long endTimestamp)
    {
        _machineStart = machineEnd;
        _threadsStart = threadsEnd;
        _cgroupsStart = cgroupsEnd;
        _lowestFree = machineEnd.MemInfo["MemFree"];
        _windowStart = endTimestamp;
        _epoch++;
        if (reading is not null)
        {
            _machineBefore = reading.Machine;
            _tracedBefore = reading.Threads;
            foreach (var tid in reading.Threads.Keys.Where(t => !threadsEnd.ContainsKey(t) && !_sampler.ThreadExists(t)).ToArray())
            {
                _tracer!.Forget(tid);
                _tracedBefore.Remove(tid);
            }
        }
        if (_processes is null) return;
        foreach (var pid in _processes.Keys.ToArray())
        {
            if (threadsEnd.Values.Any(t => t.ProcessId == pid) || _sampler.ThreadExists(pid)) continue;
            _notices.Add(MemoryStallItem.Verbose($"{_processes[pid]} ({pid}) has exited: it is no longer watched"));
            _processes.Remove(pid);
            _cgroupsStart.Remove(pid);
        }
        if (_options.FollowSelection is { } selection)
        {
            ResolvedProcesses resolved;
            try
            {
                resolved = selection.Resolve(CgroupLocation.Combine(_root, "/proc"));
            }
            catch (Interop.SyscallException)
            {
                return;
            }
            foreach (var pid in resolved.ProcessIds.Where(p => !_processes.ContainsKey(p) && p != Environment.ProcessId))
            {
                _processes[pid] = resolved.Names[pid];
                _tracer?.Select(pid);
                _cgroupsStart[pid] = CgroupMemorySample.Read(_root, pid);
                foreach (var (tid, activity) in _sampler.Sample([pid]))
                    _threadsStart[tid] = activity;
                _notices.Add(MemoryStallItem.Verbose($"{resolved.Names[pid]} ({pid}) matches -Name: watched from the next window on"));
            }
        }
    }

    public void Dispose()
    {
        _tracer?.Dispose();
        _sampler.Dispose();
    }
}
