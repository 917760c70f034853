using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Interop;
using Diag.Linux.Tracing.Kernel;
using static Diag.Linux.MemoryStalls.ReclaimStallLayout;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// The stall programs loaded and attached to their raw tracepoints for as long as this object lives: every program,
/// map and link is a descriptor owned by a SafeHandle, so Dispose, the finalizer or the death of the process detaches
/// them all. <see cref="Start"/> attaches what this kernel has (the direct-reclaim pair is required; cgroup reclaim,
/// node reclaim, direct compaction and reclaim throttling are taken where the kernel has their tracepoints) and says
/// which in <see cref="Attached"/> and <see cref="Missing"/>. Not thread-safe.
/// </summary>
internal sealed unsafe class ReclaimTracer : IDisposable
{
    private const string WithoutPrograms = "or go without per-thread reclaim and compaction times (pressure, the memory picture and fault counts need no privilege)";

    private const string NoThrottle = "reclaim throttling: no mm_vmscan_throttled tracepoint (Linux before 5.16), so waits for writeback inside reclaim are not told apart";

    private readonly ReclaimMaps _maps;
    private readonly List<BpfProgram> _programs = new();
    private readonly List<RawTracepointLink> _links = new();
    private readonly List<string> _missing = new();

    private ReclaimTracer(ReclaimMaps maps) => _maps = maps;

    /// <summary>The tracepoints attached ("mm_vmscan_direct_reclaim_begin", …).</summary>
    public IReadOnlyList<string> Attached => _links.Select(l => l.Tracepoint).ToArray();

    /// <summary>What this kernel lacks, one phrase each ("compaction: no compaction tracepoints (CONFIG_COMPACTION off)").</summary>
    public IReadOnlyList<string> Missing => _missing;

    /// <summary>True when direct compaction is measured.</summary>
    public bool WatchesCompaction { get; private set; }

    /// <summary>True when cgroup (memcg) limit reclaim is measured.</summary>
    public bool WatchesCgroupReclaim { get; private set; }

    /// <summary>Total instructions loaded, for the verbose line.</summary>
    public int InstructionCount => _programs.Sum(p => p.InstructionCount);

    /// <summary>The ids of every program, map and link, for tests that check nothing is left behind.</summary>
    internal IEnumerable<uint> ProgramIds => _programs.Select(p => p.Id);
    internal IEnumerable<uint> MapIds => _maps.Ids;
    internal IEnumerable<uint> LinkIds => _links.Select(l => l.Id);

    /// <summary>Loads and attaches the programs; <paramref name="selectedProcesses"/> null keeps every thread of the
    /// machine, else only those processes' threads (the machine's totals count every thread either way). Throws
    /// <see cref="StallTracingUnavailableException"/> with nothing left behind when the programs cannot run.</summary>
    public static ReclaimTracer Start(IReadOnlyCollection<int>? selectedProcesses)
    {
        if (!KernelTraceSupport.InInitialPidNamespace())
            throw new StallTracingUnavailableException(
                "this session runs in a PID namespace of its own (a container): kernel programs see the host's thread ids, which differ from the ones here",
                "run Get-MemoryStall on the host (it sees the container's threads too)", accessDenied: false);
        if (Environment.OSVersion.Version < new Version(4, 17))
            throw new StallTracingUnavailableException($"the kernel ({Environment.OSVersion.Version}) is older than 4.17 and has no raw tracepoints",
                "per-thread stall times need Linux 4.17 or later", accessDenied: false);
        ReclaimMaps? maps = null;
        ReclaimTracer? tracer = null;
        try
        {
            maps = ReclaimMaps.Create(selectedProcesses);
            tracer = new ReclaimTracer(maps);
            tracer.LoadAndAttach(Settings(selectedProcesses is not null, tracer._missing));
            return tracer;
        }
        catch (SyscallException e) when (e.Syscall.StartsWith("bpf(", StringComparison.Ordinal))
        {
            if (tracer is not null) tracer.Dispose();
            else maps?.Dispose();
            throw Diagnose(e);
        }
        catch
        {
            if (tracer is not null) tracer.Dispose();
            else maps?.Dispose();
            throw;
        }
    }

    /// <summary>Keeps the threads of a process that appeared after the start (a -Name match in -Continuous).</summary>
    public void Select(int processId) => _maps.Select(processId);

    /// <summary>Reads every map, then starts window <paramref name="nextEpoch"/> (longest stalls from now on are its own).</summary>
    public ReclaimReading Read(long nextEpoch)
    {
        _maps.SetEpoch(nextEpoch);
        var now = MonotonicNow();
        var threads = new Dictionary<int, ThreadStallCounters>();
        foreach (var (tid, value) in _maps.ReadThreads())
            threads[tid] = ThreadStallCounters.Decode(value);
        var open = new List<OpenStall>();
        foreach (var (tid, value) in _maps.ReadStarts())
            open.Add(new OpenStall(tid, BitConverter.ToInt32(value, StartThreadGroup), (long)BitConverter.ToUInt64(value, StartReclaim),
                BitConverter.ToInt32(value, StartKind), (long)BitConverter.ToUInt64(value, StartCompaction)));
        return new ReclaimReading
        {
            Threads = threads,
            Open = open,
            Machine = ThreadStallCounters.Decode(_maps.ReadTotals()),
            Lost = _maps.ReadLost(),
            MonotonicNanoseconds = now,
        };
    }

    /// <summary>Drops a thread that has exited (after its last values were read), so the map keeps room.</summary>
    public void Forget(int threadId) => _maps.ForgetThread(threadId);

    public void Dispose()
    {
        // Begins first: no stall starts that no end program would close.
        for (var i = _links.Count - 1; i >= 0; i--)
            _links[i].Dispose();
        _links.Clear();
        foreach (var program in _programs)
            program.Dispose();
        _programs.Clear();
        _maps.Dispose();
    }

    /// <summary>CLOCK_MONOTONIC in ns: bpf_ktime_get_ns's clock.</summary>
    internal static long MonotonicNow()
    {
        Libc.TimeSpec ts;
        Libc.ClockGetTime(Libc.CLOCK_MONOTONIC, &ts);
        return ts.Seconds * 1_000_000_000L + ts.Nanoseconds;
    }

    internal static ReclaimProgramSettings Settings(bool selective, List<string>? missing)
    {
        int? directOffset = null, writeback = null;
        BtfLayout? layout = null;
        try
        {
            layout = BtfLayout.Running();
            directOffset = layout.ByteOffset("compact_control", "direct_compaction");
        }
        catch (KernelLayoutException e)
        {
            // Without the layout, compaction cannot be told direct from kcompactd's: it is left out rather than miscounted.
            missing?.Add("direct compaction: " + e.Message);
        }
        try
        {
            if (layout is not null) writeback = (int)layout.EnumValue("vmscan_throttle_state", "VMSCAN_THROTTLE_WRITEBACK");
        }
        catch (KernelLayoutException)
        {
            // A kernel before 5.16 has neither the enum nor the tracepoint: Attach says so.
        }
        return new ReclaimProgramSettings
        {
            Selective = selective,
            DirectCompactionOffset = directOffset,
            WritebackReason = writeback,
            ProbeRead = Environment.OSVersion.Version >= new Version(5, 5) ? BpfHelper.ProbeReadKernel : BpfHelper.ProbeRead,
        };
    }

    private void LoadAndAttach(ReclaimProgramSettings settings)
    {
        var programs = new ReclaimPrograms(settings, _maps);
        var end = Load("diag_rcl_end", programs.ReclaimEnd());
        // Ends before begins: every start recorded has its end attached.
        Attach("mm_vmscan_direct_reclaim_end", end, required: true);
        var cgroupEnd = Attach("mm_vmscan_memcg_reclaim_end", end, required: false, missing: "cgroup limit reclaim: no memcg reclaim tracepoints (CONFIG_MEMCG off)");
        var nodeEnd = Attach("mm_vmscan_node_reclaim_end", end, required: false, missing: null); // NUMA kernels only
        if (settings.WritebackReason is not null)
            Attach("mm_vmscan_throttled", Load("diag_rcl_thrtl", programs.Throttled()), required: false, missing: NoThrottle);
        else _missing.Add(NoThrottle);
        Attach("mm_vmscan_direct_reclaim_begin", Load("diag_rcl_begin", programs.ReclaimBegin(KindDirect)), required: true);
        if (nodeEnd)
            Attach("mm_vmscan_node_reclaim_begin", Load("diag_rcl_node", programs.ReclaimBegin(KindDirect)), required: false, missing: null);
        if (cgroupEnd)
            WatchesCgroupReclaim = Attach("mm_vmscan_memcg_reclaim_begin", Load("diag_rcl_cgroup", programs.ReclaimBegin(KindCgroup)), required: false,
                missing: "cgroup limit reclaim: no memcg reclaim tracepoints (CONFIG_MEMCG off)");
        if (settings.DirectCompactionOffset is not null
            && Attach("mm_compaction_end", Load("diag_cmp_end", programs.CompactionEnd()), required: false,
                missing: "direct compaction: no compaction tracepoints (CONFIG_COMPACTION off)"))
            WatchesCompaction = Attach("mm_compaction_begin", Load("diag_cmp_begin", programs.CompactionBegin()), required: false,
                missing: "direct compaction: no mm_compaction_begin tracepoint");
    }

    private BpfProgram Load(string name, BpfInstruction[] code)
    {
        var program = BpfProgram.LoadRawTracepoint(name, code);
        _programs.Add(program);
        return program;
    }

    /// <summary>Attaches; a tracepoint this kernel lacks (ENOENT) is an error when required, else noted and skipped.</summary>
    private bool Attach(string tracepoint, BpfProgram program, bool required, string? missing = null)
    {
        try
        {
            _links.Add(RawTracepointLink.Attach(program, tracepoint));
            return true;
        }
        catch (SyscallException e) when (e.Errno == Errno.ENOENT && !required)
        {
            if (missing is not null && !_missing.Contains(missing)) _missing.Add(missing);
            return false;
        }
    }

    private static StallTracingUnavailableException Diagnose(SyscallException e)
    {
        if (e.Errno == Errno.EPERM || (e.Errno == Errno.EACCES && e is not BpfProgramRejectedException))
            return new StallTracingUnavailableException(
                $"no permission to load the stall programs: {e.Syscall} refused with {e.ErrnoName}",
                KernelTraceFailure.PermissionRemedy(WithoutPrograms), accessDenied: true, e);
        if (e.Errno == Errno.ENOSYS)
            return new StallTracingUnavailableException("this kernel has no bpf() system call (CONFIG_BPF_SYSCALL is off)",
                "per-thread stall times need a kernel with BPF", accessDenied: false, e);
        if (e is BpfProgramRejectedException rejected)
            return new StallTracingUnavailableException(
                $"the kernel refused the stall program {rejected.Program} ({Errno.GetName(e.Errno)}); the verifier said:\n{rejected.VerifierLog}",
                $"report this with the kernel version ({Environment.OSVersion.Version}) and the verifier's words", accessDenied: false, e);
        if (e.Syscall == "bpf(BPF_RAW_TRACEPOINT_OPEN)" && e.Errno == Errno.ENOENT)
            return new StallTracingUnavailableException($"this kernel lacks the direct reclaim tracepoints ({e.Message})",
                "per-thread reclaim times need the vmscan tracepoints (CONFIG_TRACEPOINTS)", accessDenied: false, e);
        return new StallTracingUnavailableException($"the stall programs cannot be started: {e.Message}", "", accessDenied: false, e);
    }
}
