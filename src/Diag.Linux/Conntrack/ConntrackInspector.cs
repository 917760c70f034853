using Diag.Linux.Interop;
using Diag.Linux.KernelLog;
using Diag.Linux.Namespaces;
using Diag.Linux.Netlink;

namespace Diag.Linux.Conntrack;

/// <summary>
/// Test-ConntrackCapacity's engine. For each network namespace asked for: its conntrack sysctls, the kernel's counters
/// read twice a sample interval apart (ctnetlink, or /proc/net/stat/nf_conntrack), a dump of its table tallied by
/// state, source and port, and the kernel log's "table full" lines; then the checklist. Reads only: nothing is
/// changed, no module is loaded. Enumerate <see cref="Run"/>: it yields progress, notes, problems and one report
/// per namespace.
/// </summary>
public sealed class ConntrackInspector
{
    private readonly NetworkNamespaceSelection _selection;
    private readonly TimeSpan _sample;
    private readonly int _top;

    private ConntrackInspector(NetworkNamespaceSelection selection, TimeSpan sample, int top)
    {
        if (sample <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(sample), "the sample interval must be positive");
        _selection = selection;
        _sample = sample;
        _top = Math.Max(1, top);
    }

    /// <summary>Every network namespace found (processes' and ip netns names).</summary>
    public static ConntrackInspector ForAllNamespaces(TimeSpan sample, int top = 5) => new(NetworkNamespaceSelection.All, sample, top);

    /// <summary>Namespaces as the user typed them: an inode, <c>net:[N]</c>, an ip netns name, a path, or All.</summary>
    public static ConntrackInspector ForNamespaces(IEnumerable<string> specs, TimeSpan sample, int top = 5) =>
        new(NetworkNamespaceSelection.Of(specs), sample, top);

    /// <summary>The namespaces of these processes.</summary>
    public static ConntrackInspector ForProcesses(IEnumerable<int> processIds, TimeSpan sample, int top = 5) =>
        new(NetworkNamespaceSelection.OfProcesses(processIds), sample, top);

    /// <summary>Runs the inspection; stops promptly when <paramref name="cancel"/> fires (nothing more is yielded).
    /// Throws <see cref="SyscallException"/> only when /proc cannot be read at all.</summary>
    public IEnumerable<ConntrackRunItem> Run(CancellationToken cancel)
    {
        yield return ConntrackRunItem.Progress("Finding network namespaces", 0);
        var finder = NetworkNamespaceFinder.Scan();
        var notFound = new List<(string Spec, string Reason, int? ProcessId)>();
        var targets = _selection.Resolve(finder, notFound);
        foreach (var (spec, reason, pid) in notFound)
            yield return ConntrackRunItem.Of(new ConntrackProblem(ConntrackProblemKind.NamespaceNotFound, spec, Errno.ENOENT, reason) { ProcessId = pid });

        bool useNetlink = !ConntrackEntrySize.CtnetlinkWouldLoad();
        if (!useNetlink) yield return ConntrackRunItem.Note("ctnetlink (nf_conntrack_netlink) is not loaded and Diag loads no module: counters come from /proc/net/stat/nf_conntrack and the table is not dumped.");

        var probes = new List<ConntrackNamespaceProbe>();
        try
        {
            var skipped = new List<(NetworkNamespace Ns, int Errno)>();
            foreach (var ns in targets)
            {
                if (cancel.IsCancellationRequested) yield break;
                yield return ConntrackRunItem.Progress($"Opening net:[{ns.Inode}] {ns.Label}", 5);
                int errno = ConntrackNamespaceProbe.TryOpen(ns, useNetlink, out var probe);
                if (errno == 0)
                {
                    probes.Add(probe!);
                    continue;
                }
                if (errno is Errno.ENOENT or Errno.ESRCH or 116 /* ESTALE */)
                {
                    yield return ConntrackRunItem.Note($"Skipped net:[{ns.Inode}] {ns.Label}: it went away while it was being read.");
                    continue;
                }
                if (_selection.IsAll) skipped.Add((ns, errno));
                else yield return ConntrackRunItem.Of(new ConntrackProblem(ConntrackProblemKind.NamespaceNotEntered, $"net:[{ns.Inode}] {ns.Label}", errno,
                    $"setns into {ns.OpenPath}: {Errno.GetDescription(errno)}"));
            }
            if (skipped.Count > 0)
                yield return ConntrackRunItem.Of(new ConntrackProblem(ConntrackProblemKind.NamespacesSkipped,
                    string.Join(", ", skipped.Select(s => $"net:[{s.Ns.Inode}] {s.Ns.Label}")), skipped[0].Errno, Errno.GetDescription(skipped[0].Errno)) { Count = skipped.Count });
            if (probes.Count == 0) yield break;

            var (otherEntries, uncounted) = CountOthers(finder, targets);

            // The sample: counters, the wait, counters again.
            var sampleStart = KernelLogClock.Now();
            var before = probes.Select(ReadCounters).ToList();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            foreach (int percent in Wait(_sample, cancel))
                yield return ConntrackRunItem.Progress($"Sampling the counters of {probes.Count} namespace(s) for {ConntrackText.Duration(_sample)}", 10 + percent * 6 / 10);
            if (cancel.IsCancellationRequested) yield break;
            var after = probes.Select(ReadCounters).ToList();
            var interval = clock.Elapsed;
            foreach (var note in Notes(probes)) yield return ConntrackRunItem.Note(note);

            yield return ConntrackRunItem.Progress("Reading the kernel log", 72);
            var log = TableFullLog.Read(cancel);
            int? entryBytes = ConntrackEntrySize.Read();
            long allEntries = otherEntries + after.Where(a => a.Errno == 0).Sum(a => a.Entries);

            for (int i = 0; i < probes.Count; i++)
            {
                if (cancel.IsCancellationRequested) yield break;
                var probe = probes[i];
                var ns = probe.Namespace;
                if (after[i].Errno != 0 || before[i].Errno != 0)
                {
                    int errno = after[i].Errno != 0 ? after[i].Errno : before[i].Errno;
                    if (probe.Settings.Available)
                    {
                        yield return ConntrackRunItem.Of(new ConntrackProblem(ConntrackProblemKind.CountersUnreadable, $"net:[{ns.Inode}] {ns.Label}", errno,
                            $"neither ctnetlink nor /proc/net/stat/nf_conntrack could be read: {Errno.GetDescription(errno)}"));
                        continue;
                    }
                }
                ConntrackTally? tally = null;
                string? whyNoTally = null;
                if (!probe.Settings.Available)
                    whyNoTally = "no connection tracking";
                else if (!probe.CanDump)
                    whyNoTally = probe.NetlinkErrno == Errno.EPERM
                        ? "a dump needs CAP_NET_ADMIN (root)"
                        : $"ctnetlink is not available ({Errno.GetName(probe.NetlinkErrno)})";
                else if (after[i].Entries > 0)
                {
                    yield return ConntrackRunItem.Progress($"Reading the table of net:[{ns.Inode}] {ns.Label} ({ConntrackText.Count(after[i].Entries)} entries)", 75 + 25 * i / probes.Count);
                    tally = new ConntrackTally();
                    int errno = probe.TryDump(tally, cancel);
                    if (errno == Errno.ECANCELED) yield break;
                    if (errno != 0)
                    {
                        whyNoTally = $"the dump failed: {Errno.GetDescription(errno)}";
                        tally = null;
                    }
                }
                else tally = new ConntrackTally();

                var observation = new ConntrackObservation
                {
                    Namespace = ns,
                    Settings = probe.Settings,
                    Entries = after[i].Entries,
                    Max = probe.Settings.Max ?? 0,
                    Buckets = probe.Settings.Buckets ?? 0,
                    AllNamespacesEntries = allEntries,
                    UncountedNamespaces = uncounted,
                    EntryBytes = entryBytes,
                    Counters = ConntrackCounters.Compare(before[i].Cpus, after[i].Cpus, interval),
                    SampleInterval = interval,
                    SampleStartSinceBoot = sampleStart,
                    CounterSource = probe.CounterSource,
                    Tally = tally,
                    WhyNoTally = whyNoTally,
                    Log = log,
                    Top = _top,
                };
                yield return ConntrackRunItem.Of(ConntrackChecklist.Judge(observation));
            }
        }
        finally
        {
            foreach (var probe in probes) probe.Dispose();
        }
    }

    private sealed record CounterReading(List<ConntrackCpuStatistics> Cpus, long Entries, int Errno);

    private static CounterReading ReadCounters(ConntrackNamespaceProbe probe)
    {
        var cpus = new List<ConntrackCpuStatistics>();
        if (!probe.Settings.Available) return new CounterReading(cpus, 0, 0);
        int errno = probe.TryReadCounters(cpus, out long entries);
        return new CounterReading(cpus, entries, errno);
    }

    private static IEnumerable<string> Notes(List<ConntrackNamespaceProbe> probes)
    {
        foreach (var group in probes.Where(p => p.Settings.Available).GroupBy(p => (p.CounterSource, p.NetlinkErrno)))
            yield return $"Counters of {group.Count()} namespace(s) from {group.Key.CounterSource}"
                         + (group.Key.NetlinkErrno == Errno.EPERM ? " (ctnetlink needs CAP_NET_ADMIN)." : ".");
    }

    /// <summary>The entries of the namespaces not inspected, which share the hash table; and how many could not be read.</summary>
    private static (long Entries, int Uncounted) CountOthers(NetworkNamespaceFinder finder, IReadOnlyList<NetworkNamespace> targets)
    {
        long entries = 0;
        int uncounted = 0;
        foreach (var ns in finder.All.Where(n => !targets.Any(t => t.Inode == n.Inode)))
        {
            int errno = NetworkNamespaceEntry.TryRun(ns, () => ConntrackSettings.Read().Count, out long? count);
            if (errno == 0) entries += count ?? 0;
            else if (errno is not (Errno.ENOENT or 116)) uncounted++;
        }
        return (entries, uncounted);
    }

    /// <summary>Waits <paramref name="length"/> (any length: waits beyond int.MaxValue ms are chunked), yielding the
    /// percentage done about four times a second; ends early when cancelled.</summary>
    private static IEnumerable<int> Wait(TimeSpan length, CancellationToken cancel)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var step = TimeSpan.FromMilliseconds(250);
        while (!cancel.IsCancellationRequested)
        {
            var left = length - watch.Elapsed;
            if (left <= TimeSpan.Zero) yield break;
            // WaitOne rounds a sub-millisecond wait down to none: wait whole milliseconds.
            cancel.WaitHandle.WaitOne(left < step ? TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds)) : step);
            if (watch.Elapsed < length) yield return (int)Math.Clamp(100 * watch.Elapsed.TotalSeconds / length.TotalSeconds, 0, 100);
        }
    }
}
