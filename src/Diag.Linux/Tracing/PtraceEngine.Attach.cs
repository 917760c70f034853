using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;
using Diag.Linux.Ptrace;

namespace Diag.Linux.Tracing;

// Starting a trace: seizing the threads of a process or one thread, or launching a command.
internal sealed unsafe partial class PtraceEngine
{
    private void AttachProcess(int pid)
    {
        CheckNotSelf(pid);
        var status = TaskStatusFile.TryRead(pid) ?? throw PtraceRefusal.NotFound(pid, wholeProcess: true);
        if (status.ThreadGroupId != pid)
            throw PtraceRefusal.ThreadNotProcess(pid, status.ThreadGroupId, "");
        if (status.IsZombie)
            throw PtraceRefusal.Exited(pid, status, wholeProcess: true);
        if (status.IsKernelThread)
            throw PtraceRefusal.KernelThread(pid, wholeProcess: true);
        if (status.ParentProcessId == Environment.ProcessId)
            throw PtraceRefusal.ChildOfHost(pid);

        _tracedProcesses.Add(pid);
        // Threads created while we attach are caught by re-reading the task list until it holds no new
        // thread; after that PTRACE_O_TRACECLONE reports every new one.
        var seen = new HashSet<int>();
        var attached = 0;
        while (true)
        {
            var added = false;
            foreach (var tid in ListThreads(pid))
            {
                if (!seen.Add(tid))
                    continue;
                added = true;
                if (Libc.Ptrace(Libc.PTRACE_SEIZE, tid, 0, _ptraceOptions) < 0)
                {
                    var errno = Libc.LastErrno;
                    if (errno == Errno.ESRCH && tid != pid)
                        continue; // the thread exited meanwhile
                    if (attached == 0 || tid == pid)
                        throw PtraceRefusal.Diagnose(tid, errno, wholeProcess: true);
                    _session.Notice(TraceNoticeKind.Warning,
                        $"thread {tid} of process {pid} could not be traced: {PtraceRefusal.Diagnose(tid, errno, wholeProcess: false).Message}", pid, tid);
                    continue;
                }
                Interrupt(tid);
                AddTracee(tid, pid);
                attached++;
            }
            if (!added)
                break;
        }
        if (attached == 0)
            throw PtraceRefusal.NotFound(pid, wholeProcess: true);
        _session.Notice(TraceNoticeKind.Verbose,
            $"attached to process {pid} ({TaskStatusFile.ReadComm(pid)}) with {attached} thread{(attached == 1 ? "" : "s")}", pid);
    }

    private void AttachThread(int tid)
    {
        var status = TaskStatusFile.TryRead(tid) ?? throw PtraceRefusal.NotFound(tid, wholeProcess: false);
        CheckNotSelf(status.ThreadGroupId);
        if (status.IsZombie)
            throw PtraceRefusal.Exited(tid, status, wholeProcess: false);
        if (status.IsKernelThread)
            throw PtraceRefusal.KernelThread(tid, wholeProcess: false);
        if (TaskStatusFile.TryRead(status.ThreadGroupId)?.ParentProcessId == Environment.ProcessId)
            throw PtraceRefusal.ChildOfHost(status.ThreadGroupId);
        if (Libc.Ptrace(Libc.PTRACE_SEIZE, tid, 0, _ptraceOptions) < 0)
            throw PtraceRefusal.Diagnose(tid, Libc.LastErrno, wholeProcess: false);
        Interrupt(tid);
        AddTracee(tid, status.ThreadGroupId);
        _session.Notice(TraceNoticeKind.Verbose,
            $"attached to thread {tid} of process {status.ThreadGroupId} ({TaskStatusFile.ReadComm(status.ThreadGroupId)})", status.ThreadGroupId, tid);
    }

    private static void CheckNotSelf(int pid)
    {
        if (pid == Environment.ProcessId)
            throw new TargetException(TargetFailureReason.Unsupported, pid,
                "a process cannot trace itself: this is the process running the tracer",
                "trace another process, or launch the command to trace with -FilePath");
    }

    private static List<int> ListThreads(int pid)
    {
        var tids = new List<int>();
        try
        {
            foreach (var entry in Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task"))
                if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
                    tids.Add(tid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the process exited: no threads
        }
        tids.Sort();
        return tids;
    }

    private static void Interrupt(int tid)
    {
        // Brings the freshly seized thread into a ptrace-stop so that PTRACE_SYSCALL can start it;
        // a thread blocked in a syscall leaves it and restarts it once resumed.
        if (Libc.Ptrace(Libc.PTRACE_INTERRUPT, tid, 0, 0) < 0 && Libc.LastErrno != Errno.ESRCH)
            throw SyscallException.FromLastError("ptrace(PTRACE_INTERRUPT)", "thread " + tid);
    }

    // ---- launching ----

    private void Launch(TraceTarget.Launch launch)
    {
        _launch = new LaunchedCommand(launch);
        var pid = _launch.Start();
        _launchedPid = pid;
        _session.SetLaunchedProcessId(pid);

        // The child stops itself (SIGSTOP) before execve; seize it there, then let it exec.
        int status;
        while (Libc.WaitPid(pid, &status, Libc.WUNTRACED | Libc.__WALL) < 0)
            if (Libc.LastErrno != Errno.EINTR)
                throw SyscallException.FromLastError("waitpid", "launched command " + pid);
        if (!Libc.WIfStopped(status))
        {
            _launchedGone = true;
            throw _launch.Failure(pid);
        }
        if (Libc.Ptrace(Libc.PTRACE_SEIZE, pid, 0, _ptraceOptions | Libc.PTRACE_O_EXITKILL) < 0)
        {
            var error = SyscallException.FromLastError("ptrace(PTRACE_SEIZE)", "launched command " + pid);
            KillAndReapLaunched();
            throw new TargetException(TargetFailureReason.LaunchFailed, pid,
                $"cannot trace the command it started: {error.Message}", PtraceRefusal.PermissionRemedy(), error) { Errno = error.Errno };
        }
        _tracedProcesses.Add(pid);
        AddTracee(pid, pid);
        Libc.Kill(pid, Libc.SIGCONT);
        _session.Notice(TraceNoticeKind.Verbose, $"started {_launch.ExecutablePath} as process {pid}", pid);
    }

    private void KillAndReapLaunched()
    {
        if (_launchedPid == 0 || _launchedGone)
            return;
        Libc.Kill(_launchedPid, Libc.SIGKILL);
        int status;
        while (Libc.WaitPid(_launchedPid, &status, Libc.__WALL) < 0 && Libc.LastErrno == Errno.EINTR)
        {
        }
        _launchedGone = true;
    }
}
