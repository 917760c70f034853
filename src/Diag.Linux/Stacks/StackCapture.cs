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
    private const int StackCopyLimit = 1 << 20;

    public static List<CapturedThread> Run(int pid, IReadOnlyList<int> threadIds, AddressSpace space, bool kernel,
        TimeSpan stopTimeout, CancellationToken token)
    {
        var results = new List<CapturedThread>(threadIds.Count);
        var pending = new Queue<int>(threadIds);
        using var stack = new StackSnapshot(StackCopyLimit);
        var stopper = new ThreadStopper(pid, stack, space, stopTimeout);
        Exception? failure = null;
        ChildStopNotifications.Suppress();
        try
        {
            while (pending.Count > 0 && !token.IsCancellationRequested && failure is null)
            {
                var tracer = new Thread(() =>
                {
                    try
                    {
                        while (!token.IsCancellationRequested && pending.TryDequeue(out var tid))
                        {
                            var captured = stopper.Capture(tid, kernel, token);
                            results.Add(captured);
                            if (captured.Outcome == CaptureOutcome.DidNotStop) return; // retire: see the class remarks
                            if (captured.Failure?.Reason == TraceFailureReason.AccessDenied) return; // the others would fail alike
                        }
                    }
                    catch (Exception e)
                    {
                        failure = e; // this thread ends now, and with it any seize still held
                    }
                }) { IsBackground = true, Name = "diag-stack" };
                tracer.Start();
                tracer.Join();
                if (results.Count > 0 && results[^1].Failure?.Reason == TraceFailureReason.AccessDenied) break;
            }
        }
        finally
        {
            ChildStopNotifications.Restore();
        }
        if (failure is not null) throw failure;
        return results;
    }
}
