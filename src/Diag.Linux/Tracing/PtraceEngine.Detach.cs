using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Interop;

namespace Diag.Linux.Tracing;

// The end of a trace: every tracee detached and left as it was.
internal sealed unsafe partial class PtraceEngine
{
    /// <summary>
    /// Leaves every tracee running as it was: a running tracee is interrupted and detached at the stop it
    /// reports, with the signal of a signal-delivery-stop handed back; a group-stopped one stays stopped.
    /// A launched command still running is killed (it was started for the trace). Bounded: a thread that
    /// does not stop in time (uninterruptible sleep) is detached by the kernel when this thread exits.
    /// </summary>
    private void DetachAll()
    {
        if (_launchedPid != 0 && !_launchedGone)
            Libc.Kill(_launchedPid, Libc.SIGKILL);

        var pending = new HashSet<int>(_tracees.Keys);
        pending.UnionWith(_unwantedChildren);
        if (_launchedPid != 0 && !_launchedGone)
            pending.Add(_launchedPid);
        foreach (var tid in _tracees.Keys)
            Libc.Ptrace(Libc.PTRACE_INTERRUPT, tid, 0, 0);

        var detached = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(DetachTimeout.TotalSeconds * Stopwatch.Frequency);
        var nextPrune = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        while (pending.Count > 0)
        {
            int status;
            var pid = Libc.WaitPid(-1, &status, WaitAll | Libc.WNOHANG);
            var now = Stopwatch.GetTimestamp();
            if (pid == 0)
            {
                // A thread that is gone without a report left to come (reaped already, or never ours to
                // wait for) is not one that failed to stop.
                if (now > nextPrune)
                {
                    pending.RemoveWhere(tid => !TaskExists(tid));
                    nextPrune = now + Stopwatch.Frequency / 10;
                }
                if (now > deadline)
                    break;
                Thread.Sleep(1);
                continue;
            }
            if (pid < 0)
            {
                if (Libc.LastErrno == Errno.EINTR)
                    continue;
                break; // ECHILD: nothing left to wait for
            }
            if (_waker is not null && pid == _waker.Pid)
            {
                _waker.OnExited();
                continue;
            }
            if (!Libc.WIfStopped(status))
            {
                if (Libc.WIfExited(status) || Libc.WIfSignaled(status))
                {
                    OnExitWhileDetaching(pid, status, now);
                    pending.Remove(pid);
                }
                continue;
            }
            var signal = Libc.WStopSig(status);
            var ptraceEvent = Libc.PtraceEvent(status);
            if (ptraceEvent is Libc.PTRACE_EVENT_CLONE or Libc.PTRACE_EVENT_FORK or Libc.PTRACE_EVENT_VFORK)
            {
                ulong child; // auto-attached just now: it must be let go too
                if (Libc.Ptrace(Libc.PTRACE_GETEVENTMSG, pid, 0, (nint)(&child)) == 0 && child > 0)
                    pending.Add((int)child);
            }
            else if (ptraceEvent == Libc.PTRACE_EVENT_EXEC)
            {
                ulong former;
                if (Libc.Ptrace(Libc.PTRACE_GETEVENTMSG, pid, 0, (nint)(&former)) == 0 && (int)former != pid)
                {
                    pending.Remove((int)former);
                    _tracees.Remove((int)former);
                }
            }
            // Only a signal-delivery-stop carries a signal to hand back; interrupt, group and syscall
            // stops have none (a group-stopped tracee stays stopped after detach, as it should).
            var inject = ptraceEvent == 0 && signal != SyscallStopSignal ? signal : 0;
            if (Libc.Ptrace(Libc.PTRACE_DETACH, pid, 0, inject) == 0)
            {
                detached++;
                // The launched command is our child, being killed: wait for its exit and reap it.
                if (pid != _launchedPid)
                    pending.Remove(pid);
                if (_tracees.Remove(pid, out var tracee))
                    FinishUnfinished(tracee, now);
            }
            else if (!TaskExists(pid))
            {
                pending.Remove(pid);
            }
            else
            {
                Libc.Ptrace(Libc.PTRACE_INTERRUPT, pid, 0, 0); // not stopped after all: ask again
            }
        }

        var end = Stopwatch.GetTimestamp();
        foreach (var tracee in _tracees.Values)
            FinishUnfinished(tracee, end);
        pending.RemoveWhere(tid => !TaskExists(tid));
        if (pending.Count > 0)
            _session.Notice(TraceNoticeKind.Warning,
                $"{pending.Count} thread(s) did not stop within {DetachTimeout.TotalSeconds} s (uninterruptible sleep?); " +
                "the kernel detaches them when the tracer thread ends: " + string.Join(", ", pending));
        _tracees.Clear();
        if (detached > 0)
            _session.Notice(TraceNoticeKind.Verbose, $"detached from {detached} thread{(detached == 1 ? "" : "s")}");
    }

    private void OnExitWhileDetaching(int pid, int status, long now)
    {
        if (_tracees.Remove(pid, out var tracee))
            FinishUnfinished(tracee, now);
        if (pid == _launchedPid)
        {
            _launchedGone = true;
            RecordExit(status);
        }
        else if (tracee is not null && tracee.ThreadId == tracee.ProcessId && IsMainProcess(pid))
        {
            RecordExit(status);
        }
    }

    /// <summary>The thread still exists (running, stopped or a zombie not yet reaped): /proc has its
    /// directory, which a thread's TID opens as well as a process's PID.</summary>
    private static bool TaskExists(int tid) => Directory.Exists("/proc/" + tid.ToString(CultureInfo.InvariantCulture));

    private void StopWaker()
    {
        if (_waker is null)
            return;
        _session.Wake();
        _waker.Reap();
        _waker.Dispose();
        _waker = null;
    }
}
