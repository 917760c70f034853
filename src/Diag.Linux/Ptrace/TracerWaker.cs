using Diag.Linux.Interop;

namespace Diag.Linux.Ptrace;

/// <summary>
/// A tiny child of the tracer thread that blocks reading an eventfd and exits as soon as
/// the trace session (or a thread stop waiter) writes to it. The tracer thread waits in a blocking
/// <c>waitpid(-1, __WALL | __WNOTHREAD)</c> (no polling, no added latency for the tracees), and a
/// child exit is the one thing that wakes such a wait that another thread can cause: .NET installs its
/// signal handlers with SA_RESTART, so a signal would not interrupt it. The child shares the host's
/// memory and file table (no copy) and dies with the tracer thread (PR_SET_PDEATHSIG).
/// </summary>
internal sealed class TracerWaker : IDisposable
{
    private ClonedChild? _child;

    private TracerWaker(ClonedChild child, int pid)
    {
        _child = child;
        Pid = pid;
    }

    public int Pid { get; }

    /// <summary>True once its exit has been collected with waitpid.</summary>
    public bool Exited { get; private set; }

    public static unsafe TracerWaker Start(int wakeFd)
    {
        var child = new ClonedChild(CloneTrampoline.CLONE_VM | CloneTrampoline.CLONE_FILES | CloneTrampoline.SIGCHLD, CloneTrampoline.ModeWaker);
        try
        {
            child.Request->WakeFd = (ulong)wakeFd;
            return new TracerWaker(child, child.Start());
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    /// <summary>Called when waitpid returned its exit.</summary>
    public void OnExited()
    {
        Exited = true;
        _child?.Dispose();
        _child = null;
    }

    /// <summary>Collects its exit, after the eventfd was written. Blocking, but it exits at once.</summary>
    public unsafe void Reap()
    {
        if (Exited)
            return;
        int status;
        while (Libc.WaitPid(Pid, &status, Libc.__WALL) < 0 && Libc.LastErrno == Errno.EINTR)
        {
        }
        OnExited();
    }

    public void Dispose()
    {
        // Never free memory a live child may still read: only after its exit was collected.
        if (Exited)
            _child?.Dispose();
    }
}
