using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using Diag.Linux.Interop;
using Diag.Linux.Ptrace;
using Diag.Linux.Tracing;

namespace Diag.Linux.Stacks;

/// <summary>
/// Captures the stacks of some threads of one process, one thread stopped at a time, on a dedicated OS
/// thread that makes every ptrace and waitpid call. A thread that does not stop in time stays seized with
/// an interrupt pending; that tracer thread then ends, which makes the kernel detach it (so it can never
/// stop later with nobody to release it), and a new tracer thread goes on with the others. The calling
/// thread waits: a capture takes milliseconds.
/// </summary>
internal static class StackCapture
{
    /// <summary>The most of one thread's stack that is copied (from its stack pointer up).</summary>
    public const int StackCopyLimit = 1 << 20;

    /// <summary><paramref name="stack"/>: the buffer stacks are copied into, reused by the caller (its pages, once
    /// faulted in, cost nothing while the next thread is stopped).</summary>
    public static List<CapturedThread> Run(int pid, IReadOnlyList<int> threadIds, AddressSpace space, StackSnapshot stack, bool kernel,
        TimeSpan stopTimeout, CancellationToken token)
    {
        var results = new List<CapturedThread>(threadIds.Count);
        var pending = new Queue<int>(threadIds);
        var stopper = new ThreadStopper(pid, stack, space, stopTimeout);
        Exception? failure = null;
        ChildStopNotifications.Suppress();
        try
        {
            while (pending.Count > 0 && !token.IsCancellationRequested && failure is null)
            {
                var tracerTid = 0;
                var leftSeized = false;
                var tracer = new Thread(() =>
                {
                    tracerTid = Libc.GetTid();
                    // The fewer other threads can run before this one, the sooner a stopped thread is released
                    // (root only; this thread ends with the capture).
                    Libc.SetPriority(Libc.PRIO_PROCESS, (uint)tracerTid, -20);
                    try
                    {
                        using var waiter = new ThreadStopWaiter();
                        while (!token.IsCancellationRequested && pending.TryDequeue(out var tid))
                        {
                            var captured = stopper.Capture(tid, kernel, waiter, token);
                            results.Add(captured);
                            if (captured.Outcome == CaptureOutcome.DidNotStop)
                            {
                                leftSeized = true;
                                return; // retire: see the class remarks
                            }
                            if (captured.Failure?.Reason == TargetFailureReason.AccessDenied) return; // the others would fail alike
                        }
                    }
                    catch (Exception e)
                    {
                        failure = e; // this thread ends now, and with it any seize still held
                        leftSeized = true;
                    }
                }) { IsBackground = true, Name = "diag-stack" };
                tracer.Start();
                tracer.Join();
                // Join returns when the thread's managed code is done; the kernel detaches its tracees only in
                // the thread's exit, a moment later: wait for that before anyone looks at the target.
                if (leftSeized) WaitForExit(tracerTid);
                if (results.Count > 0 && results[^1].Failure?.Reason == TargetFailureReason.AccessDenied) break;
            }
        }
        finally
        {
            ChildStopNotifications.Restore();
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
        return results;
    }

    private static void WaitForExit(int tid)
    {
        var task = $"/proc/self/task/{tid.ToString(CultureInfo.InvariantCulture)}";
        var deadline = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
        while (Directory.Exists(task) && Stopwatch.GetTimestamp() < deadline) Thread.Sleep(1);
    }
}
