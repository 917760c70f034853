using Diag.Linux.Interop;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>
/// A command launched for a kernel trace: started stopped (the clone trampoline's child stops itself with
/// SIGSTOP before execve, as for ptrace), so that its process id is known and the programs are attached
/// before it runs its first syscall; then continued, and watched until its execve succeeded, through a
/// close-on-exec pipe whose write end only the child holds: end of file means exec (or exit).
/// </summary>
internal sealed unsafe class StoppedLaunch : IDisposable
{
    private readonly LaunchedCommand _command;
    private int _readFd = -1;
    private bool _reaped;
    private bool _execDone;

    private StoppedLaunch(LaunchedCommand command) => _command = command;

    public int ProcessId { get; private set; }

    public string ExecutablePath => _command.ExecutablePath;

    /// <summary>Exit status once reaped (wait status encoding).</summary>
    public int? Status { get; private set; }

    /// <summary>Clones the child and waits until it has stopped itself. Throws LaunchFailed when it could not get there.</summary>
    public static StoppedLaunch Start(LaunchedCommand command)
    {
        var launch = new StoppedLaunch(command);
        try
        {
            launch.StartStopped();
            return launch;
        }
        catch
        {
            launch.Dispose();
            throw;
        }
    }

    /// <summary>Lets the child run: it execs. Returns once execve succeeded; throws LaunchFailed when it did not.</summary>
    public void ContinueToExec()
    {
        Libc.Kill(ProcessId, Libc.SIGCONT);
        byte b;
        while (true)
        {
            var n = Libc.Read(_readFd, &b, 1);
            if (n >= 0)
                break; // end of file: the child's copy of the write end closed at exec, or at its exit
            if (Libc.LastErrno != Errno.EINTR)
                throw SyscallException.FromLastError("read", "exec pipe of process " + ProcessId);
        }
        Libc.Close(_readFd);
        _readFd = -1;
        if (_command.ChildFailed)
        {
            Reap(blocking: true);
            throw _command.Failure(ProcessId);
        }
        _execDone = true;
        _command.Dispose(); // the child has its own memory now
    }

    /// <summary>Collects the child's exit once it is gone (no-op while it runs, unless blocking).</summary>
    public bool Reap(bool blocking)
    {
        if (_reaped)
            return true;
        int status;
        while (true)
        {
            var pid = Libc.WaitPid(ProcessId, &status, blocking ? 0 : Libc.WNOHANG);
            if (pid == ProcessId)
            {
                Status = status;
                _reaped = true;
                return true;
            }
            if (pid == 0)
                return false;
            if (Libc.LastErrno == Errno.EINTR)
                continue;
            _reaped = true; // ECHILD: someone else reaped it; its status is lost
            return true;
        }
    }

    /// <summary>Kills the child (the trace it was started for ended) and reaps it.</summary>
    public void Kill()
    {
        if (_reaped)
            return;
        Libc.Kill(ProcessId, Libc.SIGKILL);
        Reap(blocking: true);
    }

    public void Dispose()
    {
        if (_readFd >= 0)
            Libc.Close(_readFd);
        _readFd = -1;
        // The child shares this memory (CLONE_VM) until it execs or exits: free it only after one of them
        // (a child still stopped before exec is killed first by whoever gives up on it).
        if (!_execDone && (_reaped || ProcessId == 0))
            _command.Dispose();
    }

    private void StartStopped()
    {
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0)
            throw SyscallException.FromLastError("pipe2");
        _readFd = fds[0];
        try
        {
            ProcessId = _command.Start();
        }
        finally
        {
            Libc.Close(fds[1]); // the child has its own copy; ours would keep end of file from coming
        }
        int status;
        while (Libc.WaitPid(ProcessId, &status, Libc.WUNTRACED) < 0)
            if (Libc.LastErrno != Errno.EINTR)
                throw SyscallException.FromLastError("waitpid", "launched command " + ProcessId);
        if (!Libc.WIfStopped(status))
        {
            Status = status;
            _reaped = true;
            throw _command.Failure(ProcessId);
        }
    }
}
