namespace Diag.Linux.Time;

/// <summary>
/// Waits and timers for any length a user can mean: .NET's waits and timers take at most int.MaxValue - 1 ms (24.8
/// days) at once and throw beyond, while a month-long -Continuous or a -Duration of 5000000 is a reasonable request.
/// Longer waits are made of slices; <see cref="TimeSpan.MaxValue"/> waits for ever.
/// </summary>
public static class LongWait
{
    /// <summary>The longest single wait .NET accepts.</summary>
    public static readonly TimeSpan MaxSlice = TimeSpan.FromMilliseconds(int.MaxValue - 1);

    /// <summary>Waits for <paramref name="handle"/> up to <paramref name="timeout"/>; true when it was signalled.</summary>
    public static bool Wait(WaitHandle handle, TimeSpan timeout)
    {
        while (timeout > MaxSlice)
        {
            if (handle.WaitOne(MaxSlice)) return true;
            if (timeout != TimeSpan.MaxValue) timeout -= MaxSlice;
        }
        return handle.WaitOne(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout);
    }

    /// <summary><paramref name="interval"/> times <paramref name="count"/>, saturating at <see cref="TimeSpan.MaxValue"/>
    /// (the due time of sample N of a very long interval).</summary>
    public static TimeSpan Times(TimeSpan interval, long count) =>
        count > 0 && interval.Ticks > long.MaxValue / count ? TimeSpan.MaxValue : TimeSpan.FromTicks(interval.Ticks * count);
}

/// <summary>A one-shot timer for any due time: runs <c>callback</c> once <c>dueTime</c> has passed (never for
/// <see cref="TimeSpan.MaxValue"/>), re-arming .NET timers in slices of at most <see cref="LongWait.MaxSlice"/>.</summary>
public sealed class DeadlineTimer : IDisposable
{
    private readonly Action _callback;
    private readonly Timer _timer;
    private readonly object _gate = new();
    private TimeSpan _left;
    private bool _disposed;

    public DeadlineTimer(TimeSpan dueTime, Action callback)
    {
        _callback = callback;
        _left = dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime;
        _timer = new Timer(_ => Tick(), null, Timeout.Infinite, Timeout.Infinite);
        lock (_gate) Arm();
    }

    private void Arm()
    {
        if (_disposed) return;
        var slice = _left > LongWait.MaxSlice ? LongWait.MaxSlice : _left;
        _left -= slice;
        _timer.Change(slice, Timeout.InfiniteTimeSpan);
    }

    private void Tick()
    {
        lock (_gate)
        {
            if (_disposed) return;
            if (_left > TimeSpan.Zero)
            {
                Arm();
                return;
            }
        }
        _callback();
    }

    public void Dispose()
    {
        lock (_gate) _disposed = true;
        _timer.Dispose();
    }
}
