using System.Diagnostics;
using System.Runtime.CompilerServices;
using Diag.Linux.Interop;

namespace Diag.Linux.Ptrace;

/// <summary>
/// Waits, on the tracer thread, for the one thread it has just interrupted to stop, and notices the stop
/// at once: a thread is held from its stop until the tracer sees it and releases it, so a tracer that
/// polls (and sleeps between polls) holds it longer; on a loaded machine, milliseconds longer. After a
/// short poll it blocks in waitpid, which the kernel wakes at the stop. A blocking waitpid has no
/// timeout; the deadline (and Ctrl+C) is enforced as the syscall tracer does it: a <see cref="TracerWaker"/>
/// child of the tracer thread exits when an eventfd is written, which returns the waitpid.
/// </summary>
internal sealed unsafe class ThreadStopWaiter : IDisposable
{
    private const int Poll = Libc.__WALL | Libc.__WNOTHREAD | Libc.WNOHANG;
    private const int Block = Libc.__WALL | Libc.__WNOTHREAD;
    private static readonly long PollTicks = Stopwatch.Frequency / 20_000; // 50 µs: a running thread stops within that

    private readonly SafeFileDescriptor _wakeFd;
    private TracerWaker? _waker;

    public ThreadStopWaiter()
    {
        _wakeFd = Libc.EventFdHandle(0, Libc.EFD_CLOEXEC);
        if (_wakeFd.IsInvalid) throw SyscallException.FromLastError("eventfd");
    }

    public enum Outcome { Stopped, Exited, TimedOut }

    /// <summary>The thread's stop (its waitpid status), its exit, or the deadline or cancellation.</summary>
    public Outcome Wait(int tid, TimeSpan timeout, CancellationToken token, out int status)
    {
        int s;
        var start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetTimestamp() - start < PollTicks)
        {
            var pid = Libc.WaitPid(tid, &s, Poll);
            if (pid == tid) return Classify(s, out status);
            if (pid < 0 && Libc.LastErrno != Errno.EINTR) return Gone(out status);
            Thread.SpinWait(20);
        }

        _waker ??= TracerWaker.Start(_wakeFd.Value);
        // Set by this wait's timer before it wakes the waker: a wake-up without it is a late one of an earlier
        // wait. (A timer may fire a little before the Stopwatch says its time is up: do not compare clocks.)
        var expired = new StrongBox<bool>();
        using var timer = new Timer(_ =>
        {
            Volatile.Write(ref expired.Value, true);
            WakeUp();
        }, null, timeout, Timeout.InfiniteTimeSpan);
        using var cancel = token.Register(WakeUp);
        while (true)
        {
            var pid = Libc.WaitPid(-1, &s, Block);
            if (pid == tid) return Classify(s, out status);
            if (pid < 0)
            {
                if (Libc.LastErrno == Errno.EINTR) continue;
                return Gone(out status);
            }
            if (_waker is not null && pid == _waker.Pid)
            {
                _waker.OnExited();
                _waker.Dispose();
                _waker = null;
                if (Volatile.Read(ref expired.Value) || token.IsCancellationRequested)
                {
                    status = 0;
                    return Outcome.TimedOut;
                }
                _waker = TracerWaker.Start(_wakeFd.Value); // a late wake-up meant for an earlier wait
            }
            // Anything else (none expected: this thread seizes one thread at a time) is not ours to handle.
        }
    }

    private static Outcome Classify(int status, out int result)
    {
        result = status;
        if (Libc.WIfStopped(status)) return Outcome.Stopped;
        return Outcome.Exited; // exited or killed: WIFEXITED / WIFSIGNALED
    }

    private static Outcome Gone(out int status)
    {
        status = 0;
        return Outcome.Exited; // ECHILD: no longer our tracee
    }

    private void WakeUp()
    {
        ulong one = 1;
        Libc.Write(_wakeFd, (byte*)&one, sizeof(ulong));
    }

    /// <summary>Ends and reaps the waker; must run on the tracer thread, which is its parent.</summary>
    public void Dispose()
    {
        if (_waker is not null)
        {
            WakeUp();
            _waker.Reap();
            _waker.Dispose();
            _waker = null;
        }
        _wakeFd.Dispose();
    }
}
