using System.Diagnostics;

namespace Diag.Linux.MemoryStalls;

/// <summary>
/// Runs a memory-stall watch for Get-MemoryStall: one window of <c>duration</c>, or window after window until cancelled.
/// The engine owns the clock: it yields the notes on its sources first, a progress tick about once a second, and the
/// reports at each window's end; cancellation ends the sequence at once, and the end of the enumeration (by any means:
/// a consumer that stops early, an exception) detaches the kernel programs.
/// </summary>
public static class MemoryStallSampler
{
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    public static IEnumerable<MemoryStallItem> Watch(MemoryStallOptions options, TimeSpan duration, bool continuous, CancellationToken cancellationToken)
    {
        if (duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), duration, "The duration must be positive.");
        return WatchIterator(options, duration, continuous, cancellationToken);
    }

    private static IEnumerable<MemoryStallItem> WatchIterator(MemoryStallOptions options, TimeSpan duration, bool continuous, CancellationToken cancellationToken)
    {
        using var watch = MemoryStallWatch.Start(options);
        foreach (var notice in watch.TakeNotices()) yield return notice;
        for (int window = 1; ; window++)
        {
            var started = Stopwatch.GetTimestamp();
            var lastProgress = TimeSpan.Zero;
            while (true)
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                if (elapsed >= duration) break;
                var left = duration - elapsed;
                if (cancellationToken.WaitHandle.WaitOne(left < Slice ? left : Slice)) yield break;
                watch.Tick();
                elapsed = Stopwatch.GetElapsedTime(started);
                if (elapsed - lastProgress >= ProgressEvery)
                {
                    lastProgress = elapsed;
                    yield return MemoryStallItem.Progress(window, elapsed);
                }
            }
            var reports = watch.Finish();
            foreach (var notice in watch.TakeNotices()) yield return notice;
            foreach (var report in reports) yield return MemoryStallItem.Of(report, window);
            if (!continuous || cancellationToken.IsCancellationRequested) yield break;
            if (watch.Processes is { Count: 0 } && options.FollowSelection is null)
            {
                yield return MemoryStallItem.Warning("Every process watched has exited: the watch ends.");
                yield break;
            }
        }
    }
}
