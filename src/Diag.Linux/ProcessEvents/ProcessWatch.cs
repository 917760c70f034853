using System.Diagnostics;
using System.Globalization;
using Diag.Linux.ProcessEvents.Connector;
using Diag.Linux.ProcessEvents.Kernel;

namespace Diag.Linux.ProcessEvents;

/// <summary>
/// A watch of the machine's forks, execs and exits (Watch-ProcessExec): starts its source (the kernel's eBPF
/// programs, or the process connector), then <see cref="Run"/> yields events as they come, or at the end the summary
/// or the tree, with notices and progress between. The watch owns its timing: -Duration, -Count, a stop request
/// (Ctrl+C read as a key: the summary is still written) and cancellation (the pipeline stopped: nothing more is
/// written). Whatever ends it, the source is detached before Run returns, and also when the caller abandons the
/// enumeration (Select-Object -First).
/// </summary>
public sealed class ProcessWatch : IDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    private readonly ProcessWatchOptions _options;
    private readonly IProcessEventSource _source;
    private readonly EventClock _clock;
    private readonly List<string> _notices;
    private readonly DateTime _startedAt;
    private int _stopRequested;

    private ProcessWatch(ProcessWatchOptions options, IProcessEventSource source, EventClock clock, List<string> notices)
    {
        _options = options;
        _source = source;
        _clock = clock;
        _notices = notices;
        // The source is fully attached: what it reported before (some tracepoints attached, others not yet) is partial.
        _startedAt = clock.ToLocal(EventClock.Now);
    }

    /// <summary>The source the watch uses.</summary>
    public ProcessEventSource Source => _source.Kind;

    /// <summary>The ids of the loaded kernel programs (empty for the connector): tests check none outlives the watch.</summary>
    internal IReadOnlyList<uint> KernelProgramIds =>
        _source is KernelProcessEventSource kernel ? kernel.Programs.Select(p => p.Id).ToArray() : [];

    /// <summary>Starts the source <paramref name="options"/> asks for (Auto: the kernel's, else the connector's, saying
    /// why in a verbose line). Throws <see cref="ProcessWatchException"/> when no source can start.</summary>
    public static ProcessWatch Start(ProcessWatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = new EventClock();
        var cgroups = new CgroupPaths();
        var notices = new List<string>();
        IProcessEventSource source;
        switch (options.Source)
        {
            case ProcessEventSourceChoice.Kernel:
                source = KernelProcessEventSource.Start(options, cgroups, clock);
                break;
            case ProcessEventSourceChoice.ProcessConnector:
                source = ConnectorProcessEventSource.Start(clock, cgroups);
                break;
            default:
                try
                {
                    source = KernelProcessEventSource.Start(options, cgroups, clock);
                }
                catch (ProcessWatchException kernel) when (kernel.Reason != ProcessWatchFailureReason.Failed)
                {
                    try
                    {
                        source = ConnectorProcessEventSource.Start(clock, cgroups);
                    }
                    catch (ProcessWatchException connector)
                    {
                        throw new ProcessWatchException(kernel.Reason,
                            $"neither source can watch processes here: the kernel source because {kernel.Message}; the process connector because {connector.Message}",
                            kernel.Remedy, kernel);
                    }
                    notices.Add($"The kernel source cannot be used ({kernel.Message}); using the process connector instead. Remedy for the kernel source: {kernel.Remedy}.");
                }
                break;
        }
        return new ProcessWatch(options, source, clock, notices);
    }

    /// <summary>Ends the watch at the next poll, with its summary or tree still written (Ctrl+C read as a key).</summary>
    public void RequestStop() => Interlocked.Exchange(ref _stopRequested, 1);

    /// <summary>Watches until -Duration, -Count, <see cref="RequestStop"/> or <paramref name="cancellation"/>.
    /// Cancellation ends the sequence at once, without an exception and without the summary.</summary>
    public IEnumerable<ProcessWatchItem> Run(CancellationToken cancellation = default)
    {
        var filter = new ProcessEventFilter(_options, evaluatedInKernel: _source.Kind == ProcessEventSource.Kernel);
        var tree = _options.Output == ProcessWatchOutput.Tree ? new ProcessTreeBuilder() : null;
        var counter = _options.Output == ProcessWatchOutput.Summary && _source.Kind != ProcessEventSource.Kernel
            ? new EventSummaryCounter(_options.ShortLifetime) : null;
        var start = Stopwatch.GetTimestamp();
        // Any length a user can mean: a duration beyond a century is no deadline.
        var deadline = _options.Duration is { } d && d < TimeSpan.FromDays(36500) ? _clock.ToLocal(EventClock.Now).Add(d) : DateTime.MaxValue;
        var pending = new List<ProcessEvent>();
        var lastProgress = start;
        long passed = 0;
        var countReached = false;
        try
        {
            foreach (var notice in _notices)
                yield return ProcessWatchItem.Verbose(notice);
            yield return ProcessWatchItem.Verbose(_source.Description);

            while (!countReached && Volatile.Read(ref _stopRequested) == 0 && !cancellation.IsCancellationRequested)
            {
                var elapsed = Stopwatch.GetElapsedTime(start);
                var remaining = _options.Duration is { } duration ? duration - elapsed : ProgressInterval;
                if (remaining <= TimeSpan.Zero)
                    break;
                if (!Poll(pending, remaining < ProgressInterval ? remaining : ProgressInterval, cancellation))
                    break;
                foreach (var e in pending)
                {
                    if (e.Timestamp > deadline || e.Timestamp < _startedAt || !filter.Passes(e))
                        continue;
                    passed++;
                    if (tree is not null)
                        tree.Add(e);
                    else if (counter is not null)
                        counter.Add(e);
                    else if (_options.Output == ProcessWatchOutput.Events)
                        yield return ProcessWatchItem.Of(e);
                    if (_options.Count is { } count && passed >= count)
                    {
                        countReached = true;
                        break;
                    }
                }
                pending.Clear();
                if (Stopwatch.GetElapsedTime(lastProgress) >= ProgressInterval)
                {
                    lastProgress = Stopwatch.GetTimestamp();
                    yield return ProcessWatchItem.Progress(Stopwatch.GetElapsedTime(start), passed);
                }
            }

            _source.Stop();
            var watched = Stopwatch.GetElapsedTime(start);
            if (_options.Duration is { } limit && watched > limit)
                watched = limit;
            if (cancellation.IsCancellationRequested)
                yield break;

            // What happened before the programs were detached is still in the buffer: a watch that ends after its
            // workload sees all of it.
            if (!countReached)
            {
                _source.Drain(pending);
                foreach (var e in pending)
                {
                    if (e.Timestamp > deadline || e.Timestamp < _startedAt || !filter.Passes(e))
                        continue;
                    passed++;
                    if (tree is not null)
                        tree.Add(e);
                    else if (counter is not null)
                        counter.Add(e);
                    else if (_options.Output == ProcessWatchOutput.Events)
                        yield return ProcessWatchItem.Of(e);
                    if (_options.Count is { } count && passed >= count)
                        break;
                }
                pending.Clear();
            }

            foreach (var loss in _source.Losses())
                yield return ProcessWatchItem.Warning(loss + ".");

            if (_options.Output == ProcessWatchOutput.Summary)
            {
                var tallies = _source.ReadSummary() ?? (IEnumerable<SummaryTally>?)counter?.Tallies ?? [];
                foreach (var row in SummaryTally.Rows(tallies, watched, _source.Kind))
                    yield return ProcessWatchItem.Of(row);
            }
            else if (tree is not null)
            {
                if (tree.Dropped > 0)
                    yield return ProcessWatchItem.Warning($"The tree holds {tree.Dropped.ToString(CultureInfo.InvariantCulture)} fewer processes than the watch saw: it stops growing at a million.");
                foreach (var node in tree.Build())
                    yield return ProcessWatchItem.Of(node);
            }
            yield return ProcessWatchItem.Verbose(string.Create(CultureInfo.InvariantCulture,
                $"Watched for {watched.TotalSeconds:0.0} s: {passed} events passed the filters; the kernel objects are detached."));
        }
        finally
        {
            _source.Dispose();
        }
    }

    public void Dispose() => _source.Dispose();

    /// <summary>Polls the source; false when cancelled.</summary>
    private bool Poll(List<ProcessEvent> pending, TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            _source.Poll(pending, timeout, cancellation);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
