using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Ptrace;
using Diag.Linux.Time;

namespace Diag.Linux.Tracing;

/// <summary>How a <see cref="SyscallTraceRun"/> runs: its deadline and where launched commands' streams go.</summary>
public sealed record TraceRunSettings
{
    /// <summary>When to end the trace; null: when every target is gone or Stop/cancellation comes.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The standard streams of launched commands.</summary>
    public LaunchStreamSettings LaunchStreams { get; init; } = LaunchStreamSettings.InheritAll;

    /// <summary>How often a Progress item comes.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long captured output may still arrive after a launched command's trace ended (its
    /// children may hold the stream open).</summary>
    public TimeSpan OutputGrace { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The backend: Auto (the kernel for summaries where it can, ptrace otherwise), Kernel or Ptrace.</summary>
    public TraceBackend Backend { get; init; } = TraceBackend.Auto;

    /// <summary>Starts one target's trace (tests plug in here); by default <see cref="SyscallTraceBackends"/> with <see cref="Backend"/>.</summary>
    public Func<TraceTarget, TraceOptions, TraceBackend, StartedTrace>? Start { get; init; }
}

/// <summary>
/// One trace of several targets over the same window, as the caller enumerates it: the run owns the
/// clock, the deadline and the stop, and yields plain items (events, messages, launched commands'
/// output, progress ticks, results) for the caller to write. The deadline and a cancellation are
/// enforced from a timer and the token's callback, not from the enumeration, so they hold however
/// slowly the caller consumes: the tracees are detached on time, and events still queued at the
/// deadline are counted as not delivered instead of being written late.
/// </summary>
public sealed class SyscallTraceRun : IDisposable
{
    private static readonly TimeSpan DetachTimeout = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<TraceTarget> _targets;
    private readonly TraceOptions _options;
    private readonly TraceRunSettings _settings;
    private readonly List<Entry> _entries = new();
    private readonly object _gate = new();
    private volatile bool _stopRequested;
    private volatile bool _deadlineReached;
    private bool _disposed;

    public SyscallTraceRun(IReadOnlyList<TraceTarget> targets, TraceOptions options, TraceRunSettings? settings = null)
    {
        _targets = targets ?? throw new ArgumentNullException(nameof(targets));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _settings = settings ?? new TraceRunSettings();
        if (_settings.Duration is { } d && d <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(settings), d, "The duration must be positive.");
    }

    /// <summary>True once the deadline ended the trace.</summary>
    public bool DeadlineReached => _deadlineReached;

    /// <summary>Ends the trace (every tracee detached; a launched command killed); the results still come.
    /// Thread-safe, returns at once.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        lock (_gate)
            foreach (var entry in _entries)
                entry.Session.Stop();
    }

    /// <summary>
    /// Starts every target and yields what happens until the trace ends. Cancelling
    /// <paramref name="cancellationToken"/> (Ctrl+C, <c>Select-Object -First</c>) detaches at once and ends
    /// the enumeration without results; <see cref="RequestStop"/> and the deadline end the trace with them.
    /// </summary>
    public IEnumerable<TraceRunItem> Run(CancellationToken cancellationToken = default)
    {
        foreach (var target in _targets)
        {
            if (cancellationToken.IsCancellationRequested)
                yield break;
            var (entry, failure) = StartOne(target);
            if (failure is not null)
            {
                yield return new TraceRunItem { Kind = TraceRunItemKind.StartFailed, Target = target, StartFailure = failure };
                continue;
            }
            yield return new TraceRunItem { Kind = TraceRunItemKind.Message, Target = target, MessageKind = TraceNoticeKind.Verbose, Message = $"{entry!.Description}: {entry.Started.Reason}" };
            lock (_gate)
                _entries.Add(entry!);
            if (_stopRequested)
                entry!.Session.Stop();
        }
        if (_entries.Count == 0)
            yield break;

        var watch = Stopwatch.StartNew();
        using var cancellation = cancellationToken.Register(RequestStop);
        using var deadline = _settings.Duration is { } duration
            ? new DeadlineTimer(duration, () => { _deadlineReached = true; RequestStop(); })
            : null;
        var undelivered = new SyscallTally();
        var nextProgress = TimeSpan.Zero;

        while (true)
        {
            foreach (var item in DrainMessagesAndOutput())
                yield return item;
            if (cancellationToken.IsCancellationRequested)
                yield break;

            foreach (var entry in _entries)
            {
                while (entry.Session.Events.TryRead(out var e))
                {
                    if (cancellationToken.IsCancellationRequested)
                        yield break;
                    if (_deadlineReached)
                    {
                        // Past the deadline nothing more is written: what is left is counted, not delivered late.
                        undelivered.Add(e.TallyName);
                        continue;
                    }
                    yield return new TraceRunItem { Kind = TraceRunItemKind.Event, Target = entry.Target, Event = e };
                    if (watch.Elapsed >= nextProgress)
                    {
                        nextProgress = watch.Elapsed + _settings.ProgressInterval;
                        yield return Progress(watch);
                    }
                }
            }

            if (_entries.All(e => e.IsDone))
                break;
            if (watch.Elapsed >= nextProgress)
            {
                nextProgress = watch.Elapsed + _settings.ProgressInterval;
                yield return Progress(watch);
            }
            WaitForActivity(nextProgress - watch.Elapsed, cancellationToken);
        }

        foreach (var entry in _entries)
        {
            entry.Streams?.Finish(_settings.OutputGrace);
            foreach (var item in DrainMessagesAndOutput())
                yield return item;
            yield return Finish(entry, undelivered);
        }
    }

    private (Entry?, TargetException?) StartOne(TraceTarget target)
    {
        var description = target.Describe();
        LaunchedStreams? streams = null;
        var traced = target;
        try
        {
            if (target is TraceTarget.Launch launch && _settings.LaunchStreams != LaunchStreamSettings.InheritAll)
            {
                streams = LaunchedStreams.Open(_settings.LaunchStreams);
                traced = launch with { StandardInputFd = streams.InputFd, StandardOutputFd = streams.OutputFd, StandardErrorFd = streams.ErrorFd };
            }
            var started = (_settings.Start ?? SyscallTraceBackends.Start)(traced, _options, _settings.Backend);
            streams?.Started(started.Session.LaunchedProcessId ?? 0);
            return (new Entry(target, description, started, streams), null);
        }
        catch (TargetException e)
        {
            streams?.Dispose();
            return (null, e);
        }
    }

    private IEnumerable<TraceRunItem> DrainMessagesAndOutput()
    {
        foreach (var entry in _entries)
        {
            while (entry.Session.Notices.TryRead(out var notice))
                yield return new TraceRunItem { Kind = TraceRunItemKind.Message, Target = entry.Target, MessageKind = notice.Kind, Message = notice.Message };
            if (entry.Streams is { } streams)
                while (streams.Lines.TryRead(out var line))
                    yield return new TraceRunItem { Kind = TraceRunItemKind.Output, Target = entry.Target, Output = line };
        }
    }

    private TraceRunItem Progress(Stopwatch watch) =>
        new() { Kind = TraceRunItemKind.Progress, Elapsed = watch.Elapsed, Stopping = _stopRequested };

    private void WaitForActivity(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
            return;
        var waits = new List<Task>(_entries.Count * 4);
        foreach (var entry in _entries)
            entry.AddWaits(waits, cancellationToken);
        try
        {
            Task.WaitAny(waits.ToArray(), (int)Math.Min(Math.Ceiling(timeout.TotalMilliseconds), LongWait.MaxSlice.TotalMilliseconds), cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private TraceRunItem Finish(Entry entry, SyscallTally undelivered)
    {
        TraceResult result;
        try
        {
            result = entry.Session.Completion.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new TraceRunItem { Kind = TraceRunItemKind.Failed, Target = entry.Target, Failure = e };
        }
        var lost = new SyscallTally();
        lost.AddAll(result.DroppedEventsBySyscall);
        // Undelivered events are counted per run; with several targets they go to the first finished.
        lost.AddAll(undelivered.ToDictionary());
        var extra = undelivered.Total;
        undelivered.Clear();
        var total = SyscallTraceTotal.From(result, entry.Target, entry.Description, _deadlineReached, extra, result.Backend.ToString());
        return new TraceRunItem
        {
            Kind = TraceRunItemKind.Finished,
            Target = entry.Target,
            Result = result,
            Total = total,
            Message = Advice(entry, result, lost),
        };
    }

    /// <summary>What the user should know about a finished trace: events that could not be delivered,
    /// or that nothing was called at all. Null when nothing is worth saying.</summary>
    private string? Advice(Entry entry, TraceResult result, SyscallTally lost)
    {
        if (lost.Total > 0)
            return string.Create(CultureInfo.InvariantCulture,
                $"{lost.Total} events of {entry.Description} were not delivered ({lost.Describe()}): the pipeline took them more slowly than the target made them. The target was not held up and the summary still counts every call. Narrow the trace with -Syscall, or leave out -Event for the summary.");
        // A call that never returned (exit_group) is shown as an event but not counted in the summary.
        if (result.Summary.Count == 0 && result.UnfinishedCalls == 0)
        {
            var filter = _options.Syscalls is null ? "system call" : "system call matching -Syscall";
            // The trace's own length includes attaching and detaching: say the window the user asked for.
            var window = _deadlineReached && _settings.Duration is { } asked ? asked : result.Elapsed;
            var when = result.EndReason == TraceEndReason.TargetExited
                ? "before it exited"
                : $"in the {window.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s of the trace";
            return $"{entry.Description} made no {filter} {when}: it may be idle, blocked in a call that started before the trace, or busy in user space (Get-ThreadCpu shows which).";
        }
        return null;
    }

    /// <summary>Ends the trace and waits (bounded) until every tracee is detached; false when a tracer
    /// did not confirm it in time.</summary>
    public bool Detach()
    {
        RequestStop();
        var confirmed = true;
        foreach (var entry in _entries)
        {
            try
            {
                confirmed &= entry.Session.Completion.Wait(DetachTimeout);
            }
            catch (AggregateException)
            {
                // the failure was reported as a Failed item, or the caller stopped listening
            }
        }
        return confirmed;
    }

    /// <summary>Detaches from every target (bounded wait) and releases the launched commands' streams.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Detach();
        foreach (var entry in _entries)
        {
            entry.Session.Dispose();
            entry.Streams?.Dispose();
        }
    }

    private sealed class Entry(TraceTarget target, string description, StartedTrace started, LaunchedStreams? streams)
    {
        public TraceTarget Target { get; } = target;
        public string Description { get; } = description;
        public StartedTrace Started { get; } = started;
        public ISyscallTraceSession Session => Started.Session;
        public LaunchedStreams? Streams { get; } = streams;

        private Task? _events, _notices, _lines;

        /// <summary>The tasks that complete when something arrives. A pending wait is kept, not asked for
        /// again: each WaitToReadAsync registers a waiter with the channel until data comes.</summary>
        public void AddWaits(List<Task> waits, CancellationToken cancellationToken)
        {
            waits.Add(Session.Completion);
            waits.Add(Refresh(ref _events, () => Session.Events.WaitToReadAsync(cancellationToken)));
            waits.Add(Refresh(ref _notices, () => Session.Notices.WaitToReadAsync(cancellationToken)));
            if (Streams is { } streams)
                waits.Add(Refresh(ref _lines, () => streams.Lines.WaitToReadAsync(cancellationToken)));
        }

        private static Task Refresh(ref Task? pending, Func<ValueTask<bool>> wait)
        {
            if (pending is null || pending.IsCompleted)
                pending = wait().AsTask();
            return pending;
        }

        public bool IsDone =>
            Session.Completion.IsCompleted
            && Session.Events.Completion.IsCompleted
            && Session.Notices.Completion.IsCompleted;
    }
}
