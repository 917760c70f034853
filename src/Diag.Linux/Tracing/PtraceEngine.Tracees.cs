using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;
using Diag.Linux.Ptrace;

namespace Diag.Linux.Tracing;

// Threads and processes coming and going while traced: clone, fork, exec, exit.
internal sealed unsafe partial class PtraceEngine
{
    private Tracee AddTracee(int tid, int pid)
    {
        SyscallCounters counters;
        if (_options.ByThread)
        {
            counters = new SyscallCounters(pid, tid);
            _allCounters.Add(counters);
        }
        else if (!_countersByProcess.TryGetValue(pid, out counters!))
        {
            counters = new SyscallCounters(pid, null);
            _countersByProcess[pid] = counters;
            _allCounters.Add(counters);
        }
        var tracee = new Tracee(tid, pid, counters);
        _tracees[tid] = tracee;
        return tracee;
    }

    /// <summary>A clone, fork or vfork event: the new task is already traced (auto-attached by the kernel).</summary>
    private void OnNewChild(Tracee parent, int ptraceEvent)
    {
        ulong message;
        if (Libc.Ptrace(Libc.PTRACE_GETEVENTMSG, parent.ThreadId, 0, (nint)(&message)) < 0)
            return;
        var tid = (int)message;
        // Its own first stop came first (see Adopt): it is traced already, or was let go, or has even
        // run to its end and been reaped (a short-lived child): adding it now would leave a tracee that
        // never reports again, and the trace would wait for it for ever.
        if (tid <= 0 || _adoptedEarly.Remove(tid) || _tracees.ContainsKey(tid) || _released.Remove(tid))
            return;
        var isThread = ptraceEvent == Libc.PTRACE_EVENT_CLONE && IsThreadClone(parent, tid);
        if (isThread)
        {
            AddTracee(tid, parent.ProcessId);
            _session.Notice(TraceNoticeKind.Verbose, $"thread {tid} created in process {parent.ProcessId}, traced", parent.ProcessId, tid);
        }
        else if (_options.FollowForks)
        {
            _tracedProcesses.Add(tid);
            AddTracee(tid, tid);
            _session.Notice(TraceNoticeKind.Verbose, $"child process {tid} of {parent.ProcessId} followed", tid, tid);
        }
        else
        {
            _unwantedChildren.Add(tid); // a new process through clone(): let it go at its first stop
        }
    }

    /// <summary>Does the clone in progress create a thread (CLONE_THREAD)? Read from the call's flags.</summary>
    private bool IsThreadClone(Tracee parent, int child)
    {
        if (parent.InSyscall && parent.Number == SysClone)
            return (parent.Arguments[0] & CloneThread) != 0;
        if (parent.InSyscall && parent.Number == SysClone3)
        {
            Span<byte> flags = stackalloc byte[8];
            if (new TraceeMemory(parent.ThreadId).Read(parent.Arguments[0], flags) == 8)
                return (BitConverter.ToUInt64(flags) & CloneThread) != 0;
        }
        return TaskStatusFile.TryRead(child)?.ThreadGroupId == parent.ProcessId;
    }

    /// <summary>A stop from a task we have no record of: a new thread or child whose creator's event is
    /// not processed yet, or an unwanted child. Returns null when it was let go.</summary>
    private Tracee? Adopt(int tid)
    {
        if (!_unwantedChildren.Remove(tid))
        {
            var tgid = TaskStatusFile.TryRead(tid)?.ThreadGroupId ?? tid;
            if (_tracedProcesses.Contains(tgid) && tgid != tid)
            {
                _session.Notice(TraceNoticeKind.Verbose, $"thread {tid} created in process {tgid}, traced", tgid, tid);
                _adoptedEarly.Add(tid);
                return AddTracee(tid, tgid);
            }
            if (_options.FollowForks && tgid == tid)
            {
                _tracedProcesses.Add(tid);
                _session.Notice(TraceNoticeKind.Verbose, $"child process {tid} followed", tid, tid);
                _adoptedEarly.Add(tid);
                return AddTracee(tid, tid);
            }
        }
        // Not ours to trace: its first stop is an initial ptrace-stop with nothing to hand back.
        Libc.Ptrace(Libc.PTRACE_DETACH, tid, 0, 0);
        _released.Add(tid); // in case its creator's clone event is still to come
        return null;
    }

    /// <summary>After execve the execing thread has the leader's TID; if it was another thread, it takes
    /// over (the old leader vanishes without an exit report). Null when neither is known.</summary>
    private Tracee? OnExec(int pid, long now)
    {
        _tracees.TryGetValue(pid, out var tracee);
        ulong message;
        if (Libc.Ptrace(Libc.PTRACE_GETEVENTMSG, pid, 0, (nint)(&message)) == 0 && (int)message != pid
            && _tracees.Remove((int)message, out var execer))
        {
            if (tracee is not null)
                FinishUnfinished(tracee, now);
            var former = execer.ThreadId;
            execer.ThreadId = pid;
            _tracees[pid] = execer;
            tracee = execer;
            _session.Notice(TraceNoticeKind.Verbose, $"thread {former} called execve and became process {execer.ProcessId}", execer.ProcessId, former);
        }
        if (tracee is not null && !_started && tracee.ProcessId == _launchedPid)
        {
            _launch?.Dispose(); // the child has its own memory now
            _launch = null;
            MarkStarted();
        }
        return tracee;
    }

    private void OnExit(int pid, int status, long now)
    {
        _unwantedChildren.Remove(pid);
        if (_tracees.Remove(pid, out var tracee))
        {
            FinishUnfinished(tracee, now);
            if (_collectEvents)
                EmitExit(tracee, status, now);
            if (tracee.ThreadId == tracee.ProcessId)
            {
                var how = Libc.WIfExited(status)
                    ? "exited with code " + Libc.WExitStatus(status).ToString(CultureInfo.InvariantCulture)
                    : "was killed by signal " + Libc.WTermSig(status).ToString(CultureInfo.InvariantCulture);
                _session.Notice(TraceNoticeKind.Verbose, $"process {pid} {how}", pid, pid);
                if (IsMainProcess(pid))
                    RecordExit(status);
            }
            else
            {
                _session.Notice(TraceNoticeKind.Verbose, $"thread {pid} exited", tracee.ProcessId, pid);
            }
        }
        if (pid == _launchedPid)
        {
            _launchedGone = true;
            if (!_started)
                throw _launch?.Failure(pid) ?? new TargetException(TargetFailureReason.LaunchFailed, pid,
                    "the command ended before it could be traced", "check that the command can run on its own");
        }
    }

    private bool IsMainProcess(int pid) => _target switch
    {
        TraceTarget.Process p => p.ProcessId == pid,
        TraceTarget.Launch => pid == _launchedPid,
        _ => false,
    };

    private void RecordExit(int status)
    {
        if (Libc.WIfExited(status))
            _exitCode = Libc.WExitStatus(status);
        else if (Libc.WIfSignaled(status))
            _terminatingSignal = Libc.WTermSig(status);
    }
}
