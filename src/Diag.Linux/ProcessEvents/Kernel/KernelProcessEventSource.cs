using System.Text;
using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Interop;

namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>
/// The eBPF source of a watch: the maps, the programs assembled for this kernel and these filters, their links to
/// the tracepoints, and the ring buffer's reader. Every kernel object is owned by a SafeHandle: <see cref="Dispose"/>
/// (or the finalizer, or the process's death) detaches everything.
/// </summary>
internal sealed unsafe class KernelProcessEventSource : IProcessEventSource
{
    private readonly List<BpfProgram> _programs = new();
    private readonly List<RawTracepointLink> _links = new();
    private readonly ProcessProgramSettings _settings;
    private readonly CgroupPaths _cgroups;
    private ProcessEventMaps? _maps;
    private BpfRingBufferReader? _reader;
    private ExecutableIndex? _executables;
    private ProcessRecordDecoder? _decoder;
    private List<ProcessEvent>? _target;
    private string _description = "";

    private KernelProcessEventSource(ProcessProgramSettings settings, CgroupPaths cgroups)
    {
        _settings = settings;
        _cgroups = cgroups;
    }

    public ProcessEventSource Kind => ProcessEventSource.Kernel;

    public string Description => _description;

    /// <summary>The loaded programs (tests check that nothing is left behind, and count instructions).</summary>
    internal IReadOnlyList<BpfProgram> Programs => _programs;

    /// <summary>Loads and attaches everything for <paramref name="options"/>. Throws <see cref="ProcessWatchException"/>
    /// when this machine or session cannot, with nothing left behind.</summary>
    public static KernelProcessEventSource Start(ProcessWatchOptions options, CgroupPaths cgroups, EventClock clock)
    {
        KernelSupport.Check();
        BtfLayout layout;
        KernelOffsets offsets;
        ProcessTracepoints tracepoints;
        try
        {
            layout = BtfLayout.Running();
            offsets = new KernelOffsets(layout);
            tracepoints = ProcessTracepoints.Find(layout.Types, layout.Kernel);
        }
        catch (KernelLayoutException e)
        {
            throw new ProcessWatchException(ProcessWatchFailureReason.Unsupported, $"the kernel source cannot be used: {e.Message}",
                "use the process connector (-Source ProcessConnector)", e);
        }

        var settings = new ProcessProgramSettings
        {
            Summary = options.Output == ProcessWatchOutput.Summary,
            FailedExecs = options.IncludeFailed,
            FilterUsers = options.UserIds.Count > 0,
            FilterNames = options.Names.Count > 0 && options.Names.All(n => n.IsLiteral),
            FilterExecutables = options.Paths.Count > 0 && options.Paths.All(p => p.IsLiteral),
            Parents = options.ParentIds.Count == 0 ? ParentFilterMode.None
                : options.IncludeDescendants ? ParentFilterMode.Descendants : ParentFilterMode.Children,
            ShortLifetimeNanoseconds = options.ShortLifetime.Ticks * 100,
            ExitHasGroupDead = tracepoints.ExitHasGroupDead,
            RingBytes = options.RingBufferBytes,
        };
        var source = new KernelProcessEventSource(settings, cgroups);
        try
        {
            source.Begin(options, offsets, tracepoints, clock);
            return source;
        }
        catch (SyscallException e) when (e.Syscall.StartsWith("bpf(", StringComparison.Ordinal))
        {
            source.Dispose();
            throw KernelSupport.Diagnose(e);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private void Begin(ProcessWatchOptions options, KernelOffsets offsets, ProcessTracepoints tracepoints, EventClock clock)
    {
        _maps = ProcessEventMaps.Create(_settings);
        FillFilters(options);
        var programs = new ProcessEventPrograms(_settings, _maps, offsets);
        // Every program loaded (the verifier takes milliseconds each) before any is attached: the window in which some
        // tracepoints report and others not yet (exits without their execs) is then microseconds, and the watch drops
        // what came before its start. Fork first: a child forked while the others attach is already in the descendant set.
        var loaded = new List<(string Tracepoint, BpfProgram Program)>
        {
            Load(ProcessTracepoints.Fork, "diag_fork", programs.Fork(), tracepoints.ForkId),
            Load(ProcessTracepoints.Exit, "diag_exit", programs.Exit(), tracepoints.ExitId),
            Load(ProcessTracepoints.Exec, "diag_exec", programs.Exec(), tracepoints.ExecId),
        };
        if (_settings.FailedExecs)
            loaded.Add(Load(ProcessTracepoints.SysExit, "diag_execfail", programs.ExecFailed(), tracepoints.SysExitId));
        foreach (var (tracepoint, program) in loaded)
            _links.Add(RawTracepointLink.AttachBtf(program, tracepoint));
        if (_settings.Parents == ParentFilterMode.Descendants)
            SeedDescendants(options.ParentIds);
        _executables = new ExecutableIndex(_maps.Executables);
        if (_maps.Events is { } events)
        {
            _reader = events.OpenReader();
            _decoder = new ProcessRecordDecoder(clock, _cgroups, _executables);
        }
        var filters = new List<string>();
        if (_settings.Parents != ParentFilterMode.None) filters.Add(_settings.Parents == ParentFilterMode.Descendants ? "descendants" : "parents");
        if (_settings.FilterUsers) filters.Add("users");
        if (_settings.FilterNames) filters.Add("names");
        if (_settings.FilterExecutables) filters.Add("executables");
        _description = $"Watching in the kernel (eBPF on tp_btf {string.Join(", ", _links.Zip(_programs, (l, p) => $"{l.Tracepoint} ({p.InstructionCount} instructions)"))})"
            + (_settings.Summary ? ", counting per parent and executable in the kernel" : ", records through a ring buffer")
            + (filters.Count > 0 ? $"; filtered in the kernel by {string.Join(", ", filters)}" : "")
            + ".";
    }

    private (string, BpfProgram) Load(string tracepoint, string name, BpfInstruction[] code, int btfId)
    {
        var program = BpfProgram.LoadTracing(name, code, BpfAttachType.TraceRawTracepoint, btfId);
        _programs.Add(program);
        return (tracepoint, program);
    }

    private void FillFilters(ProcessWatchOptions options)
    {
        uint one = 1;
        var comm = stackalloc byte[16];
        var exeKey = stackalloc byte[ExeKeyLayout.Size];
        foreach (var uid in options.UserIds)
        {
            var key = (uint)uid;
            _maps!.Users?.Update(&key, &one);
        }
        if (_maps!.Names is { } names)
        {
            foreach (var name in options.Names)
            {
                // The kernel's comm: at most 15 bytes and a NUL, padded with NULs; in lower case, as the program
                // compares it (ASCII only, as PowerShell's wildcard match ignores case).
                new Span<byte>(comm, 16).Clear();
                var bytes = Encoding.UTF8.GetBytes(AsciiLower(name.Text));
                bytes.AsSpan(0, Math.Min(bytes.Length, 15)).CopyTo(new Span<byte>(comm, 15));
                names.Update(comm, &one);
            }
        }
        if (_maps.ExecutableFilter is { } executables)
        {
            foreach (var path in options.Paths)
            {
                Libc.Statx st;
                if (Libc.StatxPath(path.Text, 0, Libc.STATX_INO, &st) != 0)
                    continue; // no such file (yet): nothing can match it in the kernel; user space says so
                new Span<byte>(exeKey, ExeKeyLayout.Size).Clear();
                *(ulong*)(exeKey + ExeKeyLayout.Inode) = st.Inode;
                *(uint*)(exeKey + ExeKeyLayout.Device) = (st.DevMajor << 20) | st.DevMinor; // the kernel's dev_t
                executables.Update(exeKey, &one);
            }
        }
        if (_maps.Parents is { } parents)
        {
            foreach (var pid in options.ParentIds)
            {
                var key = (uint)pid;
                parents.Update(&key, &one);
            }
        }
    }

    private static string AsciiLower(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                span[i] = source[i] is >= 'A' and <= 'Z' ? (char)(source[i] + 32) : source[i];
        });

    /// <summary>The descendants that already run (the fork program adds the ones forked from now on).</summary>
    private void SeedDescendants(IReadOnlyList<int> roots)
    {
        uint mark = 2;
        foreach (var pid in ProcessFamily.Descendants(roots.ToArray()))
        {
            var key = (uint)pid;
            _maps!.Parents!.Update(&key, &mark);
        }
    }

    public void Poll(List<ProcessEvent> events, TimeSpan timeout, CancellationToken cancellation)
    {
        if (_reader is null)
        {
            cancellation.WaitHandle.WaitOne(timeout);
            cancellation.ThrowIfCancellationRequested();
            return;
        }
        _target = events;
        try
        {
            _reader.Poll(Handle, timeout, cancellation);
        }
        finally
        {
            _target = null;
        }
    }

    public void Stop()
    {
        for (var i = _links.Count - 1; i >= 0; i--)
            _links[i].Dispose();
        _links.Clear();
    }

    public void Drain(List<ProcessEvent> events)
    {
        if (_reader is null)
            return;
        _target = events;
        try
        {
            while (_reader.Consume(Handle) > 0)
            {
            }
        }
        finally
        {
            _target = null;
        }
    }

    public IReadOnlyList<string> Losses()
    {
        if (_maps is null)
            return [];
        var losses = new List<string>();
        if (_reader is { LostRecords: > 0 and var lost })
            losses.Add($"{lost} events were lost: the kernel's ring buffer ({_settings.RingBytes >> 10} KiB) was full because this session read it too slowly (a slow pipeline, or a storm of events); -Summary counts in the kernel and loses nothing");
        if (_maps.LostIn(LostSlots.SummaryFull) is > 0 and var full)
            losses.Add($"{full} events were not counted: the summary holds {ProcessEventMaps.SummaryEntries} parent and executable pairs and was full");
        if (_maps.LostIn(LostSlots.ExecutablesFull) is > 0 and var exes)
            losses.Add($"{exes} executables could not be named: the kernel's table of {ProcessEventMaps.ExecutableEntries} paths was full");
        if (_maps.LostIn(LostSlots.DescendantsFull) is > 0 and var descendants)
            losses.Add($"{descendants} new processes could not join the descendants of -ParentId: the set of {ProcessEventMaps.DescendantEntries} was full; their children are not watched");
        return losses;
    }

    public List<SummaryTally>? ReadSummary() =>
        _maps?.Summary is { } summary ? KernelSummaryReader.Read(summary, _executables!) : null;

    public void Dispose()
    {
        Stop();
        _reader?.Dispose();
        _reader = null;
        foreach (var program in _programs)
            program.Dispose();
        _programs.Clear();
        _maps?.Dispose();
        _maps = null;
    }

    private void Handle(ReadOnlySpan<byte> record)
    {
        if (_decoder!.Decode(record) is { } e)
            _target!.Add(e);
    }
}
