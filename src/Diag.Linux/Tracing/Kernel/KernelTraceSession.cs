using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;
using Diag.Linux.Ptrace;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>
/// A kernel trace: programs counting the target's syscalls in the kernel, and one thread that waits for
/// the end (Stop, or the target's exit through a pidfd), then detaches the programs, reads the maps into
/// the summary and frees everything. The target is never stopped or touched; only a launched command
/// is started by the trace (stopped until the programs are attached) and killed if the trace ends first.
/// </summary>
internal sealed unsafe class KernelTraceSession : ISyscallTraceSession
{
    private const int NoticeCapacity = 10_000;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<TraceEvent> _events = Channel.CreateBounded<TraceEvent>(1);
    private readonly Channel<TraceNotice> _notices = Channel.CreateBounded<TraceNotice>(
        new BoundedChannelOptions(NoticeCapacity) { SingleWriter = false, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource<TraceResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _stopGate = new();
    private readonly HashSet<int> _followed = new();
    private KernelTraceSettings _settings;
    private KernelTraceMaps? _maps;
    private readonly List<BpfProgram> _programs = new();
    private readonly List<RawTracepointLink> _links = new();
    private StoppedLaunch? _launch;
    private int _processId;       // thread group of the target (of the thread, for a thread target)
    private int _threadId;        // thread target only
    private int _pidFd = -1;
    private int _stopFd = -1;
    private int _stopRequested;
    private bool _mainGone;
    private string _description = "";
    private long _startTimestamp;
    private Thread? _thread;

    private KernelTraceSession(KernelTraceSettings settings) => _settings = settings;

    public ChannelReader<TraceEvent> Events => _events.Reader;

    public ChannelReader<TraceNotice> Notices => _notices.Reader;

    public Task<TraceResult> Completion => _completion.Task;

    public int? LaunchedProcessId => _launch?.ProcessId;

    /// <summary>The loaded programs, for tests that check nothing is left behind.</summary>
    internal IReadOnlyList<BpfProgram> Programs => _programs;

    /// <summary>Checks the machine, creates the maps, launches or finds the target, loads and attaches the
    /// programs, and starts waiting. Throws <see cref="TargetException"/> when any step fails, with
    /// nothing left behind.</summary>
    public static KernelTraceSession Start(TraceTarget target, TraceOptions options, bool measureLatency)
    {
        var session = new KernelTraceSession(KernelTraceSupport.Check(options, measureLatency));
        try
        {
            session.Begin(target, options);
            return session;
        }
        catch (SyscallException e) when (e.Syscall.StartsWith("bpf(", StringComparison.Ordinal))
        {
            session.Abandon();
            throw KernelTraceFailure.Diagnose(e, session._processId == 0 ? null : session._processId);
        }
        catch
        {
            session.Abandon();
            throw;
        }
    }

    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) != 0)
            return;
        lock (_stopGate)
        {
            if (_stopFd < 0)
                return;
            ulong one = 1;
            Libc.Write(_stopFd, (byte*)&one, sizeof(ulong));
        }
    }

    public void Dispose()
    {
        Stop();
        if (_thread is not null && _thread != Thread.CurrentThread)
            _thread.Join(DisposeTimeout);
    }

    private void Begin(TraceTarget target, TraceOptions options)
    {
        LaunchedCommand? command = null;
        switch (target)
        {
            case TraceTarget.Process process:
                _processId = process.ProcessId;
                var status = TaskStatusFile.TryRead(_processId) ?? throw PtraceRefusal.NotFound(_processId, wholeProcess: true);
                if (status.ThreadGroupId != _processId)
                    throw PtraceRefusal.ThreadNotProcess(_processId, status.ThreadGroupId, "");
                CheckUserSpace(status, _processId, wholeProcess: true);
                break;
            case TraceTarget.Thread thread:
                _threadId = thread.ThreadId;
                var threadStatus = TaskStatusFile.TryRead(_threadId) ?? throw PtraceRefusal.NotFound(_threadId, wholeProcess: false);
                _processId = threadStatus.ThreadGroupId;
                CheckUserSpace(threadStatus, _threadId, wholeProcess: false);
                break;
            case TraceTarget.Launch launch:
                command = new LaunchedCommand(launch);
                KernelTraceSupport.CheckNotThirtyTwoBit(command.ExecutablePath, null);
                break;
            default:
                throw new ArgumentException("unknown trace target " + target, nameof(target));
        }

        _settings = _settings with { ThreadTarget = _threadId != 0 };
        if (target is TraceTarget.Process)
            _settings = KernelTraceSupport.WatchingExit(_settings); // a launched command's status comes from waitpid
        try
        {
            _maps = CreateMaps(options.Syscalls);
        }
        catch
        {
            command?.Dispose();
            throw;
        }
        if (command is not null)
        {
            _launch = StoppedLaunch.Start(command);
            _processId = _launch.ProcessId;
        }
        _settings = _settings with { TargetId = _threadId != 0 ? _threadId : _processId };

        var programs = new SyscallPrograms(_settings, _maps);
        // Attached fork, enter, exit: a child forked meanwhile is followed, and every exit finds its entry.
        if (_settings.FollowForks)
            Attach("sched_process_fork", Load("diag_fork", programs.SchedProcessFork()));
        if (_settings.WatchExit)
            Attach("sched_process_exit", Load("diag_exit", programs.SchedProcessExit()));
        if (_settings.MeasureLatency)
            Attach("sys_enter", Load("diag_sys_enter", programs.SysEnter()));
        AttachSysExit(programs);

        var wake = Libc.EventFd(0, Libc.EFD_CLOEXEC);
        if (wake < 0)
            throw SyscallException.FromLastError("eventfd");
        _stopFd = wake;
        _startTimestamp = Stopwatch.GetTimestamp();
        if (_launch is not null)
        {
            _launch.ContinueToExec();
            Notice($"started {_launch.ExecutablePath} as process {_processId}", _processId);
        }
        OpenPidFd();
        _description = Describe();
        Notice($"counting the syscalls of {_description} in the kernel: " +
               string.Join(", ", _links.Zip(_programs, (l, p) => $"{l.Tracepoint} ({p.InstructionCount} instructions)")),
            _processId, _threadId == 0 ? null : _threadId);
        _thread = new Thread(Run) { IsBackground = true, Name = "diag-kernel-trace" };
        _thread.Start();
    }

    private static void CheckUserSpace(TaskStatusFile status, int id, bool wholeProcess)
    {
        if (status.IsZombie)
            throw PtraceRefusal.Exited(id, status, wholeProcess); // as ptrace says it: nothing left to count
        if (status.IsKernelThread)
            throw new TargetException(TargetFailureReason.Unsupported, id,
                $"{(wholeProcess ? "process" : "thread")} {id} is a kernel thread, which makes no system calls",
                "trace a user-space process or thread");
        KernelTraceSupport.CheckNotThirtyTwoBit($"/proc/{status.ThreadGroupId.ToString(CultureInfo.InvariantCulture)}/exe", id);
    }

    private KernelTraceMaps CreateMaps(IReadOnlySet<int>? syscalls)
    {
        try
        {
            return KernelTraceMaps.Create(_settings, syscalls);
        }
        catch (SyscallException e) when (e.Errno == Errno.EPERM && KernelTraceSupport.ChargesMemlock && KernelTraceSupport.RaiseMemlockLimit())
        {
            // Before Linux 5.11 maps count against RLIMIT_MEMLOCK (64 KiB by default): EPERM may mean that.
            Notice("raised this process's RLIMIT_MEMLOCK soft limit to its hard limit for the kernel's maps (Linux before 5.11)");
            return KernelTraceMaps.Create(_settings, syscalls);
        }
    }

    private BpfProgram Load(string name, BpfInstruction[] code)
    {
        var program = BpfProgram.LoadRawTracepoint(name, code);
        _programs.Add(program);
        return program;
    }

    private void Attach(string tracepoint, BpfProgram program) => _links.Add(RawTracepointLink.Attach(program, tracepoint));

    /// <summary>The BTF-typed counting program where the kernel takes it, else the plain one (same counts,
    /// bpf_probe_read_kernel for the syscall number).</summary>
    private void AttachSysExit(SyscallPrograms programs)
    {
        if (_settings.SysExitBtfId != 0)
        {
            BpfProgram? typed = null;
            try
            {
                typed = BpfProgram.LoadTracing("diag_sys_exit", programs.SysExit(), BpfAttachType.TraceRawTracepoint, _settings.SysExitBtfId);
                _links.Add(RawTracepointLink.AttachBtf(typed, "sys_exit"));
                _programs.Add(typed);
                return;
            }
            catch (SyscallException e) when (e.Errno != Errno.EPERM)
            {
                typed?.Dispose();
                _settings = _settings with { SysExitBtfId = 0 };
                programs = new SyscallPrograms(_settings, _maps!);
            }
        }
        Attach("sys_exit", Load("diag_sys_exit", programs.SysExit()));
    }

    private void OpenPidFd()
    {
        _pidFd = Libc.PidFdOpen(_processId);
        if (_pidFd < 0 && Libc.LastErrno == Errno.ESRCH)
            _mainGone = true; // already gone
    }

    /// <summary>The waiting thread: until Stop, or until the target (and every followed process) is gone.</summary>
    private void Run()
    {
        var reason = TraceEndReason.TargetExited;
        TraceResult? result = null;
        Exception? failure = null;
        try
        {
            while (!_mainGone || _followed.Count > 0 || _settings.FollowForks && FollowedPending())
            {
                if (Wait())
                {
                    reason = TraceEndReason.Stopped;
                    break;
                }
                CheckMain();
                if (_settings.FollowForks)
                    ScanFollowed();
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        try
        {
            result = Finish(reason);
        }
        catch (Exception e)
        {
            failure ??= e;
        }
        finally
        {
            Release();
        }
        _notices.Writer.TryComplete();
        if (failure is not null)
            _completion.TrySetException(failure);
        else
            _completion.TrySetResult(result!);
    }

    /// <summary>Blocks until Stop (true), the target's exit, or the next poll interval when something must be polled.</summary>
    private bool Wait()
    {
        var fds = stackalloc Libc.PollFd[2];
        fds[0] = new Libc.PollFd { Fd = _stopFd, Events = Libc.POLLIN };
        var count = 1;
        if (_pidFd >= 0)
            fds[count++] = new Libc.PollFd { Fd = _pidFd, Events = Libc.POLLIN };
        var mustPoll = _settings.FollowForks || _threadId != 0 || (_pidFd < 0 && !_mainGone);
        var ready = Libc.Poll(fds, (nuint)count, mustPoll ? (int)PollInterval.TotalMilliseconds : -1);
        if (ready < 0 && Libc.LastErrno != Errno.EINTR)
            throw SyscallException.FromLastError("poll");
        return Volatile.Read(ref _stopRequested) != 0;
    }

    /// <summary>Notices the target's end: its pidfd readable (the whole process), or for a thread target its thread gone.</summary>
    private void CheckMain()
    {
        if (_mainGone)
            return;
        var processGone = _pidFd >= 0 ? PidFdReadable() : !IsAlive(_processId);
        if (processGone)
        {
            _mainGone = true;
            Libc.Close(_pidFd);
            _pidFd = -1;
            if ((_launch is not null && _launch.Reap(blocking: true) ? _launch.Status : _maps!.ReadExitStatus()) is { } status)
                Notice($"process {_processId} {DescribeExit(status)}", _processId);
            else
                Notice($"process {_processId} exited", _processId);
        }
        else if (_threadId != 0 && !IsAlive(_threadId))
        {
            _mainGone = true;
            Notice($"thread {_threadId} exited", _processId, _threadId);
        }
    }

    private bool PidFdReadable()
    {
        var fd = new Libc.PollFd { Fd = _pidFd, Events = Libc.POLLIN };
        return Libc.Poll(&fd, 1, 0) > 0;
    }

    /// <summary>New followed processes are announced; exited ones leave the set (so the trace can end, and a
    /// reused pid is not counted).</summary>
    private void ScanFollowed()
    {
        var seen = new HashSet<int>();
        foreach (var key in _maps!.Traced!.Keys())
        {
            var tgid = BitConverter.ToInt32(key);
            if (!seen.Add(tgid))
                continue;
            if (_followed.Add(tgid))
                Notice($"child process {tgid} followed", tgid, tgid);
            if (!IsAlive(tgid))
            {
                var k = (uint)tgid;
                _maps.Traced.Delete(&k);
                _followed.Remove(tgid);
                Notice($"process {tgid} exited", tgid);
            }
        }
    }

    /// <summary>True while the traced set still holds processes not yet scanned (the main target may be gone before its children are seen).</summary>
    private bool FollowedPending()
    {
        uint first;
        return _maps!.Traced!.NextKey(null, &first);
    }

    /// <summary>Detaches (exit first, then enter: no exit program runs without its entries), ends a launched
    /// command that still runs, and turns the maps into the result.</summary>
    private TraceResult Finish(TraceEndReason reason)
    {
        for (var i = _links.Count - 1; i >= 0; i--)
            _links[i].Dispose();
        var end = Stopwatch.GetTimestamp();
        if (_launch is not null && !_launch.Reap(blocking: false))
            _launch.Kill();
        if (_links.Count > 0)
            Notice($"detached the kernel programs from {_description}");

        int? exitCode = null, signal = null;
        if ((_launch?.Status ?? (reason == TraceEndReason.TargetExited ? _maps!.ReadExitStatus() : null)) is { } status)
        {
            if (Libc.WIfExited(status))
                exitCode = Libc.WExitStatus(status);
            else if (Libc.WIfSignaled(status))
                signal = Libc.WTermSig(status);
        }
        var counters = new KernelTraceReader(_maps!, _settings, _processId).Read();
        ReportLost(_maps!.ReadLost());
        return new TraceResult(
            SummaryBuilder.Build(counters, _settings.ByThread, TraceBackend.Kernel),
            SummaryBuilder.ToTimeSpan(end - _startTimestamp), exitCode, signal, reason)
        {
            Backend = TraceBackend.Kernel,
            ProcessId = _threadId != 0 ? null : _processId,
        };
    }

    private void ReportLost(long[] lost)
    {
        if (lost[SyscallStatsLayout.LostStats] > 0)
            Warning($"{lost[SyscallStatsLayout.LostStats]} calls were not counted: the kernel's statistics map was full ({KernelTraceMaps.KeyedStatsEntries} process, thread and syscall combinations)");
        if (lost[SyscallStatsLayout.LostErrors] > 0)
            Warning($"{lost[SyscallStatsLayout.LostErrors]} errors are missing from ErrorCounts: the kernel's error map was full ({KernelTraceMaps.ErrorEntries} entries)");
        if (lost[SyscallStatsLayout.LostFollow] > 0)
            Warning($"{lost[SyscallStatsLayout.LostFollow]} new processes were not followed: the kernel's set of followed processes was full ({KernelTraceMaps.TracedEntries})");
        if (lost[SyscallStatsLayout.LostEntries] > 0)
            Warning($"{lost[SyscallStatsLayout.LostEntries]} calls were not timed: the kernel's map of calls in progress was full");
    }

    /// <summary>Frees what the trace holds, in an order that never leaves a program attached.</summary>
    private void Release()
    {
        foreach (var link in _links)
            link.Dispose();
        foreach (var program in _programs)
            program.Dispose();
        _maps?.Dispose();
        _launch?.Dispose();
        if (_pidFd >= 0)
            Libc.Close(_pidFd);
        _pidFd = -1;
        lock (_stopGate)
        {
            if (_stopFd >= 0)
                Libc.Close(_stopFd);
            _stopFd = -1;
        }
        _events.Writer.TryComplete();
    }

    /// <summary>Start failed: undo everything, and kill a command launched for nothing.</summary>
    private void Abandon()
    {
        _launch?.Kill();
        Release();
        _notices.Writer.TryComplete();
    }

    private string Describe()
    {
        var comm = TaskStatusFile.ReadComm(_processId);
        return _threadId != 0 ? $"thread {_threadId} of process {_processId} ({comm})" : $"process {_processId} ({comm})";
    }

    private static string DescribeExit(int status) => Libc.WIfExited(status)
        ? "exited with code " + Libc.WExitStatus(status).ToString(CultureInfo.InvariantCulture)
        : "was killed by signal " + Libc.WTermSig(status).ToString(CultureInfo.InvariantCulture);

    /// <summary>The task exists and is not a zombie: /proc/ID/stat state other than Z and X.</summary>
    private static bool IsAlive(int id)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{id.ToString(CultureInfo.InvariantCulture)}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Notice(string message, int? processId = null, int? threadId = null) =>
        _notices.Writer.TryWrite(new TraceNotice(TraceNoticeKind.Verbose, message, processId, threadId));

    private void Warning(string message) =>
        _notices.Writer.TryWrite(new TraceNotice(TraceNoticeKind.Warning, message, null, null));
}
