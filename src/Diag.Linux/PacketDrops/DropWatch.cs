using System.Diagnostics;
using System.Globalization;
using Diag.Linux.Bpf;
using Diag.Linux.Bpf.Btf;
using Diag.Linux.Interop;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// Watches the kernel's packet drops, as the caller enumerates it: the watch owns the program, the clock, the deadline
/// and the stop, and yields plain items (drops, summary rows, the kernel's counters, messages, progress ticks) for the
/// caller to write. Streaming, each drop that passes the filters is a record in a ring buffer, decoded as it comes;
/// with <see cref="DropWatchSettings.Summary"/>, drops are counted in the kernel and only the counts are read, so a
/// million drops a second cost the reader nothing. Drops the ring buffer had no room for, and drops the kernel did not
/// run the program for, are counted and said at the end. The program is detached when the enumeration ends, however
/// it ends (the deadline, <see cref="DropWatchSettings.Count"/>, <see cref="RequestStop"/>, cancellation, or the caller
/// disposing the enumerator).
/// </summary>
public sealed class DropWatch : IDisposable
{
    private readonly DropFilter _filter;
    private readonly DropWatchSettings _settings;
    private readonly CancellationTokenSource _stop = new();
    private DropSession? _session;
    private int _disposed;

    public DropWatch(DropFilter filter, DropWatchSettings settings)
    {
        _filter = filter ?? throw new ArgumentNullException(nameof(filter));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        if (settings.Duration is { } d && d <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(settings), d, "The duration must be positive.");
        if (settings.Interval is { } i && i <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(settings), i, "The interval must be positive.");
    }

    /// <summary>The network namespace (inode) of process <paramref name="processId"/>; null when it is gone or may not be read.</summary>
    public static uint? NetworkNamespaceOf(int processId) => NamespaceDirectory.OfProcess(processId);

    /// <summary>The kernel objects' ids while attached (tests check they are gone afterwards).</summary>
    internal (uint Program, uint Link, IReadOnlyList<uint> Maps)? Ids => _session?.Ids;

    /// <summary>Ends the watch; a summary still reports. Thread-safe, returns at once.</summary>
    public void RequestStop()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Attaches, then yields until the watch ends. Throws <see cref="DropWatchException"/> when the program cannot start,
    /// <see cref="ArgumentException"/> for a filter this kernel cannot apply (a reason it does not have).
    /// Cancelling <paramref name="cancellationToken"/> (Ctrl+C, Select-Object -First) detaches at once and yields nothing more.
    /// </summary>
    public IEnumerable<DropWatchItem> Run(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var symbols = Task.Run(LoadSymbols);
        var namespaces = new NamespaceDirectory();
        var (session, reasons) = Start();
        _session = session;
        try
        {
            var attached = clock.Elapsed;
            var decoder = new DropDecoder(reasons, namespaces, new ConntrackTable(namespaces), symbols, new DropClock(), session.Stacks);
            // The kernel's own counters start with the program, before anything is yielded: the same interval.
            var counters = session.Settings.Summary ? new KernelDropCounters(namespaces) : null;
            counters?.Start(_filter.NetworkNamespaces.Count > 0 ? _filter.NetworkNamespaces : namespaces.Known);
            var ids = session.Ids;
            yield return Verbose(string.Create(CultureInfo.InvariantCulture,
                $"Attached to skb:kfree_skb (tp_btf) in {attached.TotalMilliseconds:0.0} ms as BPF program {ids.Program} (link {ids.Link}, maps {string.Join(", ", ids.Maps)}), {(session.Settings.Summary ? "counting in the kernel" : "streaming")}: {session.Settings}; reasons from {reasons.Kernel}."));
            if (session.Settings.Layout.ConntrackStatistics is null && session.Settings.NetfilterDrop is not null)
                yield return Verbose("This kernel has no conntrack statistics the program can read: netfilter drops are told apart by the conntrack table's fill alone (Likely, never Confirmed).");
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
            var items = session.Settings.Summary
                ? Summarize(session, decoder, counters!, clock, linked.Token, cancellationToken)
                : Stream(session, decoder, clock, linked.Token, cancellationToken);
            foreach (var item in items)
                yield return item;
            if (cancellationToken.IsCancellationRequested)
                yield break;
            foreach (var warning in Losses(session, decoder))
                yield return warning;
        }
        finally
        {
            _session = null;
            session.Dispose();
        }
    }

    private IEnumerable<DropWatchItem> Stream(DropSession session, DropDecoder decoder, Stopwatch clock, CancellationToken stop, CancellationToken cancelled)
    {
        var reader = session.Reader!;
        var batch = new List<PacketDrop>();
        BpfRecordHandler handler = record => batch.Add(decoder.Decode(record));
        long delivered = 0;
        var nextProgress = TimeSpan.Zero;
        var ended = false;
        while (!ended)
        {
            var remaining = Remaining(clock);
            if (remaining <= TimeSpan.Zero || stop.IsCancellationRequested)
            {
                if (cancelled.IsCancellationRequested)
                    yield break;
                reader.Consume(handler);                    // what happened before the end still comes
                ended = true;
            }
            else
            {
                var wait = Min(remaining, Max(nextProgress - clock.Elapsed, TimeSpan.FromMilliseconds(1)));
                if (!Poll(reader, handler, wait, stop) && cancelled.IsCancellationRequested)
                    yield break;
            }
            foreach (var drop in batch)
            {
                yield return new DropWatchItem { Kind = DropWatchItemKind.Drop, Drop = drop };
                if (++delivered >= _settings.Count)
                {
                    ended = true;
                    break;
                }
            }
            batch.Clear();
            if (!ended && clock.Elapsed >= nextProgress)
            {
                nextProgress = clock.Elapsed + _settings.ProgressInterval;
                yield return new DropWatchItem { Kind = DropWatchItemKind.Progress, Elapsed = clock.Elapsed, DropsSoFar = delivered };
            }
        }
    }

    private IEnumerable<DropWatchItem> Summarize(DropSession session, DropDecoder decoder, KernelDropCounters counters, Stopwatch clock,
        CancellationToken stop, CancellationToken cancelled)
    {
        var builder = new DropSummaryBuilder(decoder, session.Settings.ByFlow);
        var intervalStart = clock.Elapsed;
        var nextProgress = TimeSpan.Zero;
        while (true)
        {
            var remaining = Remaining(clock);
            var ending = remaining <= TimeSpan.Zero || stop.IsCancellationRequested;
            var intervalDue = _settings.Interval is { } interval && clock.Elapsed - intervalStart >= interval;
            if (cancelled.IsCancellationRequested)
                yield break;
            if (ending || intervalDue)
            {
                var length = clock.Elapsed - intervalStart;
                intervalStart = clock.Elapsed;
                foreach (var row in builder.Rows(session.ReadSummary(), length, DateTime.Now))
                    yield return new DropWatchItem { Kind = DropWatchItemKind.Summary, Summary = row };
                foreach (var counter in counters.Increases(length))
                    yield return new DropWatchItem { Kind = DropWatchItemKind.Counter, Counter = counter };
                if (ending)
                    yield break;
            }
            if (clock.Elapsed >= nextProgress)
            {
                nextProgress = clock.Elapsed + _settings.ProgressInterval;
                // Between reports: which namespaces have netfilter drops the counter could not settle, and how full their tables are.
                builder.Scan(session.ReadSummary().Keys.Select(k => k.Key));
                foreach (var ns in builder.UnsettledNamespaces)
                    builder.Observe(ns, decoder.Tables.ReadNow(ns));
                yield return new DropWatchItem { Kind = DropWatchItemKind.Progress, Elapsed = clock.Elapsed, DropsSoFar = builder.TotalDrops };
            }
            var untilInterval = _settings.Interval is { } every ? every - (clock.Elapsed - intervalStart) : TimeSpan.MaxValue;
            var wait = Min(Min(Remaining(clock), untilInterval), Max(nextProgress - clock.Elapsed, TimeSpan.FromMilliseconds(1)));
            if (wait > TimeSpan.Zero)
                stop.WaitHandle.WaitOne(Clamp(wait));
        }
    }

    /// <summary>The drops the watch could not report, as warnings.</summary>
    private IEnumerable<DropWatchItem> Losses(DropSession session, DropDecoder decoder)
    {
        var lost = session.LostRecords;
        if (lost > 0)
            yield return Warning(string.Create(CultureInfo.InvariantCulture,
                $"{lost} drops were not reported: the ring buffer ({session.Settings.RingBufferSizeBytes >> 20} MiB) was full because they came faster than they were read. -Summary counts every drop in the kernel; narrower filters (-Address, -Port, -Reason) send fewer."));
        long missed;
        try
        {
            missed = session.MissedRuns;
        }
        catch (SyscallException)
        {
            missed = 0;
        }
        if (missed > 0)
            yield return Warning(string.Create(CultureInfo.InvariantCulture,
                $"{missed} drops were not seen: the kernel did not run the program for them because it was already running on that CPU (a drop in an interrupt during a drop in process context)."));
        if (decoder.SymbolsHiddenReason is { } hidden)
            yield return Warning($"Drop places and stacks are addresses, not function names: {hidden}.");
    }

    private (DropSession Session, DropReasons Reasons) Start()
    {
        SkbLayout layout;
        var reasons = DropReasons.Running();
        try
        {
            layout = SkbLayout.Running();
        }
        catch (KernelLayoutException e)
        {
            throw new DropWatchException(DropWatchFailure.KernelUnsupported, $"Get-PacketDrop cannot read this kernel's packets: {e.Message}.", e);
        }
        var settings = DropProgramSettings.Create(_filter, reasons, layout, _settings.Summary, _settings.ByFlow, _settings.Stack, _settings.RingBufferSizeBytes);
        try
        {
            return (DropSession.Start(settings), reasons);
        }
        catch (BpfProgramRejectedException e) when (e.Errno == Errno.EPERM)
        {
            throw new DropWatchException(DropWatchFailure.NotPermitted,
                "Loading the drop program was refused (EPERM): it needs root, or CAP_BPF and CAP_PERFMON (Linux 5.8+), and a kernel that lets them load tracing programs (kernel.unprivileged_bpf_disabled does not matter to root; a lockdown or a security module may).", e);
        }
        catch (BpfProgramRejectedException e)
        {
            throw new DropWatchException(DropWatchFailure.KernelRefused, "The kernel refused the drop program: " + e.Message, e);
        }
        catch (SyscallException e) when (e.Errno is Errno.EPERM or Errno.EACCES)
        {
            throw new DropWatchException(DropWatchFailure.NotPermitted,
                $"Creating the drop program's maps or attaching it was refused ({e.ErrnoName}): it needs root, or CAP_BPF and CAP_PERFMON (Linux 5.8+).", e);
        }
        catch (SyscallException e) when (e.Errno is Errno.EINVAL or Errno.ENOENT or Errno.EOPNOTSUPP)
        {
            throw new DropWatchException(DropWatchFailure.KernelUnsupported,
                $"This kernel cannot run the drop program: {e.Message} (it needs BPF ring buffers, Linux 5.8+, and typed tracepoints).", e);
        }
    }

    private static KernelSymbols? LoadSymbols()
    {
        try
        {
            return KernelSymbols.Current;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Waits for records; false when the wait was cancelled.</summary>
    private static bool Poll(BpfRingBufferReader reader, BpfRecordHandler handler, TimeSpan wait, CancellationToken stop)
    {
        try
        {
            reader.Poll(handler, wait, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private TimeSpan Remaining(Stopwatch clock) => _settings.Duration is { } d ? d - clock.Elapsed : TimeSpan.MaxValue;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>A wait the OS accepts (WaitOne takes at most int.MaxValue ms; the loop comes back for the rest).</summary>
    private static TimeSpan Clamp(TimeSpan wait) => wait.TotalMilliseconds > int.MaxValue - 1 ? TimeSpan.FromMilliseconds(int.MaxValue - 1) : wait;

    private static DropWatchItem Verbose(string message) => new() { Kind = DropWatchItemKind.Verbose, Message = message };

    private static DropWatchItem Warning(string message) => new() { Kind = DropWatchItemKind.Warning, Message = message };

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _session?.Dispose();
        _stop.Dispose();
    }
}
