using System.Diagnostics;
using System.Runtime.CompilerServices;
using Diag.Linux.Interop;
using Diag.Linux.Ptrace;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Tracing;

/// <summary>
/// The ptrace tracer loop. Everything here runs on the session's one dedicated thread: ptrace binds
/// tracees to the thread that attached them, and waitpid with __WNOTHREAD then sees only this thread's
/// tracees and children, never the host's own child processes.
/// </summary>
/// <remarks>
/// Stop handling follows strace (src/strace.c: next_event, dispatch_event, detach): syscall stops are
/// told apart by PTRACE_O_TRACESYSGOOD, signal-delivery-stops re-inject their signal, group-stops
/// (PTRACE_EVENT_STOP with a stopping signal) are parked with PTRACE_LISTEN so that SIGSTOP really stops
/// a traced process, and detaching interrupts each running tracee and detaches it at whatever stop it
/// reports, handing back the signal of a signal-delivery-stop. Entry and exit, the syscall number,
/// arguments and return value come from PTRACE_GET_SYSCALL_INFO (Linux 5.3), not from register layouts.
/// </remarks>
internal sealed unsafe partial class PtraceEngine
{
    private const int WaitAll = Libc.__WALL | Libc.__WNOTHREAD;
    private const int SyscallStopSignal = Libc.SIGTRAP | 0x80;
    private const int SysClone = 56, SysClone3 = 435, SysRestartSyscall = 219;
    private const ulong CloneThread = 0x10000;
    private static readonly TimeSpan DetachTimeout = TimeSpan.FromSeconds(3);

    private readonly TraceTarget _target;
    private readonly TraceOptions _options;
    private readonly PtraceTraceSession _session;
    private readonly bool[]? _selected;
    private readonly bool _collectEvents;
    private readonly Dictionary<int, Tracee> _tracees = new();
    private readonly HashSet<int> _tracedProcesses = new();
    private readonly HashSet<int> _unwantedChildren = new();   // new processes not followed: let go at their first stop
    private readonly HashSet<int> _released = new();           // let go before their creator's clone event came
    private readonly HashSet<int> _adoptedEarly = new();       // traced from their own first stop, before their creator's clone event came
    private readonly Dictionary<int, SyscallCounters> _countersByProcess = new();
    private readonly List<SyscallCounters> _allCounters = new();
    private int _ptraceOptions;
    private TracerWaker? _waker;
    private LaunchedCommand? _launch;
    private int _launchedPid;
    private bool _launchedGone;
    private bool _started;
    private int? _exitCode;
    private int? _terminatingSignal;
    private long _unfinishedCalls;
    private TraceEndReason _endReason = TraceEndReason.Stopped;
    private long _startTimestamp;
    private long _endTimestamp;
    private DateTime _startTime;
    private readonly SyscallTally _droppedEvents = new();
    private bool _warnedForeignAbi;
    private bool _warnedDecoder;

    public PtraceEngine(TraceTarget target, TraceOptions options, PtraceTraceSession session)
    {
        _target = target ?? throw new ArgumentNullException(nameof(target));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _session = session;
        _collectEvents = options.CollectEvents;
        if (options.Syscalls is { } syscalls)
        {
            _selected = new bool[SyscallTable.MaxNumber + 1];
            foreach (var number in syscalls)
                if ((uint)number < (uint)_selected.Length)
                    _selected[number] = true;
        }
    }

    /// <summary>Attaches or launches, traces until stopped or until the target is gone, detaches.</summary>
    public TraceResult Run()
    {
        ChildStopNotifications.Suppress();
        try
        {
            Begin();
            Loop();
        }
        finally
        {
            try
            {
                DetachAll();
            }
            finally
            {
                StopWaker();
                _launch?.Dispose();
                ChildStopNotifications.Restore();
                _endTimestamp = Stopwatch.GetTimestamp();
            }
        }
        if (_session.DroppedNotices > 0)
            _session.Notice(TraceNoticeKind.Warning, $"{_session.DroppedNotices} notices were dropped");
        return new TraceResult(
            SummaryBuilder.Build(_allCounters, _options.ByThread, TraceBackend.Ptrace),
            SummaryBuilder.ToTimeSpan(_endTimestamp - _startTimestamp),
            _exitCode, _terminatingSignal, _endReason)
        {
            ProcessId = _target switch
            {
                TraceTarget.Process p => p.ProcessId,
                TraceTarget.Launch => _launchedPid,
                _ => null,
            },
            DroppedEvents = _droppedEvents.Total,
            UnfinishedCalls = _unfinishedCalls,
            DroppedEventsBySyscall = _droppedEvents.ToDictionary(),
            Backend = TraceBackend.Ptrace,
        };
    }

    private void Begin()
    {
        if (!CloneTrampoline.IsSupported)
            throw new TargetException(TargetFailureReason.Unsupported, null,
                "syscall tracing is implemented for x86_64 only", "run on an x86_64 machine");
        if (Environment.OSVersion.Version < new Version(5, 3))
            throw new TargetException(TargetFailureReason.Unsupported, null,
                $"the kernel ({Environment.OSVersion.Version}) is older than 5.3 and lacks PTRACE_GET_SYSCALL_INFO",
                "use Linux 5.3 or later, or strace");

        // TRACEEXEC always: without it a successful execve sends the tracee a SIGTRAP we would have to
        // tell from a real one. A thread target follows no new threads (TRACECLONE), only new processes.
        _ptraceOptions = Libc.PTRACE_O_TRACESYSGOOD | Libc.PTRACE_O_TRACEEXEC;
        if (_target is not TraceTarget.Thread)
            _ptraceOptions |= Libc.PTRACE_O_TRACECLONE;
        if (_options.FollowForks)
            _ptraceOptions |= Libc.PTRACE_O_TRACEFORK | Libc.PTRACE_O_TRACEVFORK;

        // Compiled before the first tracee is stopped: a thread held at its attach stop while the JIT
        // compiles the loop lets a second standard signal arrive and merge with the first.
        WarmUp(_collectEvents);
        _waker = TracerWaker.Start(_session.WakeFd);
        _startTime = DateTime.Now;
        _startTimestamp = Stopwatch.GetTimestamp();
        switch (_target)
        {
            case TraceTarget.Process process:
                AttachProcess(process.ProcessId);
                MarkStarted();
                break;
            case TraceTarget.Thread thread:
                AttachThread(thread.ThreadId);
                MarkStarted();
                break;
            case TraceTarget.Launch launch:
                Launch(launch); // started once its execve succeeded (PTRACE_EVENT_EXEC)
                break;
            default:
                throw new ArgumentException("unknown trace target " + _target, nameof(_target));
        }
    }

    private void MarkStarted()
    {
        _started = true;
        _session.SignalStarted();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Loop()
    {
        while (true)
        {
            if (_session.StopRequested)
            {
                _endReason = TraceEndReason.Stopped;
                return;
            }
            if (_tracees.Count == 0 && (_launchedPid == 0 || _launchedGone))
            {
                _endReason = TraceEndReason.TargetExited;
                return;
            }
            int status;
            var pid = WaitForStop(&status);
            var now = Stopwatch.GetTimestamp();
            if (pid < 0)
            {
                var errno = Libc.LastErrno;
                if (errno == Errno.EINTR)
                    continue;
                if (errno == Errno.ECHILD)
                {
                    _endReason = TraceEndReason.TargetExited;
                    return;
                }
                throw new SyscallException("waitpid", errno);
            }
            if (_waker is not null && pid == _waker.Pid)
            {
                OnWakerExited();
                continue;
            }
            Dispatch(pid, status, now);
        }
    }

    /// <summary>
    /// Waits for the next stop. A busy tracee stops again microseconds after it is resumed, so the thread
    /// first polls for up to <see cref="SpinTime"/> (yielding the CPU between polls, for one-CPU machines)
    /// and only then blocks: a blocked tracer pays a cross-CPU wake-up on every stop, which made a
    /// syscall-heavy loop three times slower on 2 vCPUs. The poll costs at most that much CPU per
    /// blocking call of the tracee.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int WaitForStop(int* status)
    {
        long start = 0;
        while (true)
        {
            var pid = Libc.WaitPid(-1, status, WaitAll | Libc.WNOHANG);
            if (pid != 0)
                return pid;
            var now = Stopwatch.GetTimestamp();
            if (start == 0)
                start = now;
            else if (now - start > SpinTicks)
                return Libc.WaitPid(-1, status, WaitAll);
            Thread.Yield();
        }
    }

    private static readonly TimeSpan SpinTime = TimeSpan.FromMicroseconds(50);
    private static readonly long SpinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);

    private void OnWakerExited()
    {
        _waker!.OnExited();
        _waker.Dispose();
        _waker = null;
        if (!_session.StopRequested)
        {
            // Someone killed it: start another, or Stop() could not reach this thread any more.
            _session.Notice(TraceNoticeKind.Warning, "the tracer's wake-up helper ended unexpectedly; restarted it");
            _waker = TracerWaker.Start(_session.WakeFd);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Dispatch(int pid, int status, long now)
    {
        if (!Libc.WIfStopped(status))
        {
            if (Libc.WIfExited(status) || Libc.WIfSignaled(status))
                OnExit(pid, status, now);
            return;
        }
        var ptraceEvent = Libc.PtraceEvent(status);
        Tracee? tracee;
        if (ptraceEvent == Libc.PTRACE_EVENT_EXEC)
        {
            // Reported under the leader's TID, which the execing thread may only now have taken over.
            tracee = OnExec(pid, now) ?? Adopt(pid);
            if (tracee is not null)
                Restart(tracee, Libc.PTRACE_SYSCALL, 0);
            return;
        }
        if (!_tracees.TryGetValue(pid, out tracee))
        {
            tracee = Adopt(pid);
            if (tracee is null)
                return;
        }

        var signal = Libc.WStopSig(status);
        switch (ptraceEvent)
        {
            case 0 when signal == SyscallStopSignal:
                OnSyscallStop(tracee, now);
                Restart(tracee, Libc.PTRACE_SYSCALL, 0);
                break;
            case 0:
                // Signal-delivery-stop (seized tracees report group-stops as PTRACE_EVENT_STOP):
                // deliver the signal as if we were not here, at once and before any other work, so that
                // the thread is back to dequeue the next one (two instances of a standard signal pending
                // together merge into one).
                tracee.GroupStopped = false;
                OnSignalDelivery(tracee, signal, now);
                break;
            case Libc.PTRACE_EVENT_STOP when IsStoppingSignal(signal):
                // Group-stop: LISTEN keeps it stopped (as SIGSTOP demands) but tells us when SIGCONT comes.
                tracee.GroupStopped = true;
                Restart(tracee, Libc.PTRACE_LISTEN, 0);
                if (_collectEvents && _started)
                    EmitStop(tracee, signal, now);
                break;
            case Libc.PTRACE_EVENT_STOP:
                // Interrupt stop: right after attach, a new child's first stop, or the end of a group-stop.
                tracee.GroupStopped = false;
                Restart(tracee, Libc.PTRACE_SYSCALL, 0);
                break;
            case Libc.PTRACE_EVENT_CLONE or Libc.PTRACE_EVENT_FORK or Libc.PTRACE_EVENT_VFORK:
                OnNewChild(tracee, ptraceEvent);
                Restart(tracee, Libc.PTRACE_SYSCALL, 0);
                break;
            default:
                Restart(tracee, Libc.PTRACE_SYSCALL, 0);
                break;
        }
    }

    private static bool IsStoppingSignal(int signal) =>
        signal is Libc.SIGSTOP or Libc.SIGTSTP or Libc.SIGTTIN or Libc.SIGTTOU;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Restart(Tracee tracee, int request, int signal)
    {
        // ESRCH: the tracee was killed while stopped; its exit is reported by waitpid.
        if (Libc.Ptrace(request, tracee.ThreadId, 0, signal) < 0 && Libc.LastErrno != Errno.ESRCH)
            throw SyscallException.FromLastError(request == Libc.PTRACE_LISTEN ? "ptrace(PTRACE_LISTEN)" : "ptrace(PTRACE_SYSCALL)",
                "thread " + tracee.ThreadId);
    }

    /// <summary>The hot path: one call per syscall stop, no allocation unless events are collected.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void OnSyscallStop(Tracee tracee, long now)
    {
        Libc.PtraceSyscallInfo info;
        if (Libc.Ptrace(Libc.PTRACE_GET_SYSCALL_INFO, tracee.ThreadId, sizeof(Libc.PtraceSyscallInfo), (nint)(&info)) < 0)
        {
            var errno = Libc.LastErrno;
            if (errno == Errno.ESRCH)
                return;
            throw new SyscallException("ptrace(PTRACE_GET_SYSCALL_INFO)", errno, "Linux 5.3 or later is needed");
        }
        if (info.Op == Libc.PTRACE_SYSCALL_INFO_ENTRY)
        {
            var number = info.Number > int.MaxValue ? -1 : (int)info.Number;
            tracee.InSyscall = true;
            tracee.CallThreadId = tracee.ThreadId;
            tracee.Number = number;
            tracee.EntryTimestamp = now;
            tracee.Decoding = null;
            var arguments = tracee.Arguments;
            for (var i = 0; i < arguments.Length; i++)
                arguments[i] = info.Arguments[i];
            tracee.Counted = IsSelected(number) && IsNativeAbi(info.Arch, tracee);
            if (tracee.Counted && _collectEvents)
                tracee.Decoding = Enter(tracee, info.StackPointer);
        }
        else if (info.Op == Libc.PTRACE_SYSCALL_INFO_EXIT && tracee.InSyscall)
        {
            tracee.InSyscall = false;
            if (!tracee.Counted)
                return;
            var elapsed = now - tracee.EntryTimestamp;
            tracee.Counters.Record(tracee.Number, elapsed, info.ReturnValue);
            if (_collectEvents)
            {
                Emit(tracee, info.ReturnValue, elapsed, completed: true);
                if (tracee.Number != SysRestartSyscall)
                    tracee.PreviousNumber = tracee.Number;
            }
        }
    }

    private bool IsSelected(int number) =>
        number >= 0 && (_selected is null || (number < _selected.Length && _selected[number]));

    private bool IsNativeAbi(uint arch, Tracee tracee)
    {
        if (arch == Libc.AUDIT_ARCH_X86_64)
            return true;
        if (!_warnedForeignAbi)
        {
            _warnedForeignAbi = true;
            _session.Notice(TraceNoticeKind.Warning,
                $"thread {tracee.ThreadId} makes 32-bit (i386) syscalls; those are not counted", tracee.ProcessId, tracee.ThreadId);
        }
        return false;
    }

}
