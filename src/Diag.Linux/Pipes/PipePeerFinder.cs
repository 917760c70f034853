using System.Diagnostics;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Pipes;

/// <summary>
/// Finds who is at the other end of pipes, FIFOs and Unix sockets, and why a writer is stuck: what
/// <c>lsof | awk '$8 == INODE'</c> and <c>ss -xp</c> show, plus the pipe's fill, the threads blocked on it
/// and a diagnosis. One pass over /proc/PID/fd of every process (processes only: threads share their
/// table), one sock_diag dump for Unix sockets, then the fill of each pipe reported (see
/// <see cref="PipeFillProbe"/>) and the current system call of each holder's threads. Nothing it inspects
/// is read, written, stopped or traced; every descriptor it opens is closed before <see cref="Find"/>
/// returns. Processes and descriptors that vanish during the scan are skipped. Not thread-safe.
/// </summary>
public sealed class PipePeerFinder : IDisposable
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(100);

    private readonly ProcFileReader _reader = new();
    private readonly SafeFileDescriptor _procFd;
    private readonly bool _liveSystem;
    private readonly DescriptorScanner _scanner;
    private readonly ThreadBlockReader _threads;
    private readonly Dictionary<int, string> _names = new();
    private bool _disposed;

    /// <summary>Opens <c>{rootPath}/proc</c> ("/" normally; a fixture tree in tests, where sock_diag and pipe
    /// fills, which ask the running kernel, are not used). Throws <see cref="SyscallException"/> when it cannot.</summary>
    public PipePeerFinder(string rootPath = "/")
    {
        string procPath = Path.Combine(rootPath, "proc");
        _procFd = _reader.OpenDirectory(procPath, out int errno) ?? throw new SyscallException("open", errno, procPath);
        _liveSystem = Path.GetFullPath(rootPath) == "/";
        _scanner = new DescriptorScanner(_reader, _procFd);
        _threads = new ThreadBlockReader(_reader, _procFd);
    }

    /// <summary>
    /// Scans for the endpoints <paramref name="selection"/> names. <paramref name="progress"/> (called on this
    /// thread, at most every 100 ms) gets the processes scanned so far and their total. Cancellation ends the
    /// scan at the next process with an empty, <see cref="PipeScanResult.Cancelled"/> result.
    /// </summary>
    public PipeScanResult Find(PipeSelection selection, CancellationToken cancellationToken = default, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(selection);
        _names.Clear();
        var watch = Stopwatch.StartNew();
        var scan = new Scan(selection);
        var pids = new List<int>();
        _reader.ListNumericEntries(_procFd, pids);

        ScanSubjects(scan, pids);
        var unix = new UnixSocketDirectory(_reader, _procFd);
        if (NeedsSockets(scan) && _liveSystem)
        {
            unix.DumpOwn();
            unix.DumpNamespacesOf(UnresolvedSocketHolders(scan, unix));
        }
        var keys = WantedKeys(scan, unix);
        var filter = scan.Selection.IsAll ? DescriptorFilter.Everything() : DescriptorFilter.For(keys, RequestedInodes(scan));
        if (!filter.IsEmpty && !ScanMachine(scan, pids, filter, cancellationToken, progress))
            return new PipeScanResult { Cancelled = true };
        if (_liveSystem && (scan.Selection.IsAll || scan.Selection.Inodes is not null))
        {
            // Sockets found in containers' processes: their namespaces' dumps may name peers the pass did not look for.
            unix.DumpNamespacesOf(UnresolvedSocketHolders(scan, unix));
            var more = WantedKeys(scan, unix);
            more.ExceptWith(keys);
            var requested = RequestedInodes(scan).ToHashSet();
            more.RemoveWhere(k => requested.Contains(k.Inode)); // the first pass took every descriptor with these inodes
            if (!scan.Selection.IsAll && more.Count > 0 && !ScanMachine(scan, pids, DescriptorFilter.For(more, []), cancellationToken, null))
                return new PipeScanResult { Cancelled = true };
        }

        var holders = new Dictionary<ChannelKey, List<OpenDescriptor>>();
        foreach (var d in scan.Descriptors)
        {
            if (!holders.TryGetValue(d.Key, out var list)) holders[d.Key] = list = new List<OpenDescriptor>();
            list.Add(d);
        }
        var subjects = ChooseSubjects(scan, unix);
        var report = new EndpointReport(new EndpointReport.Sources(_reader, _procFd, _threads, NameOf, _liveSystem),
            holders, unix.Sockets, unix.ListenerOf, scan.NotPermitted);
        var endpoints = report.Build(subjects);
        return new PipeScanResult
        {
            Endpoints = endpoints,
            MissingProcessIds = scan.Missing,
            DeniedProcessIds = scan.Denied,
            UnmatchedNamePatterns = ProcessNamePatterns.Unmatched(scan.MatchedPatterns),
            UnmatchedInodes = selection.Inodes?.Where(i => !endpoints.Any(e => e.Inode == i)).ToArray() ?? Array.Empty<long>(),
            OtherDescriptors = OtherRequested(scan, subjects),
            ProcessesNotPermitted = scan.NotPermitted,
            ProcessesInOtherNetworkNamespaces = scan.ForeignNetworkProcesses,
            PipesWithoutFill = report.PipesWithoutFill,
            ProcessesWithoutThreads = report.ProcessesWithoutThreads,
            Description = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Read the descriptors of {pids.Count} processes in /proc ({scan.Descriptors.Count} pipe, FIFO and socket descriptors kept) " +
                $"and {unix.Sockets.Count} Unix sockets from sock_diag{(_liveSystem ? "" : " (not asked: a fixture root)")}; " +
                $"{endpoints.Count()} endpoints in {watch.Elapsed.TotalMilliseconds:0.0} ms."),
        };
    }

    /// <summary>What one <see cref="Find"/> collects.</summary>
    private sealed class Scan(PipeSelection selection)
    {
        public PipeSelection Selection { get; } = selection;
        public List<OpenDescriptor> Descriptors { get; } = new();
        public HashSet<int> SubjectPids { get; } = new();
        public List<OtherDescriptor> Others { get; } = new();
        public List<int> Missing { get; } = new();
        public List<int> Denied { get; } = new();
        public bool[]? MatchedPatterns { get; set; }
        public int NotPermitted { get; set; }
        public int ForeignNetworkProcesses { get; set; }
    }

    /// <summary>Reads every descriptor of the processes asked for by PID or name (all of them: a process's
    /// other descriptors on the same pipe are peers too).</summary>
    private void ScanSubjects(Scan scan, List<int> pids)
    {
        var selection = scan.Selection;
        var everything = DescriptorFilter.Everything();
        if (selection.ProcessIds is { } ids)
        {
            foreach (int pid in ids)
            {
                int errno = _scanner.Scan(pid, everything, scan.Descriptors, scan.Others, selection.FileDescriptors);
                if (errno is Errno.EACCES or Errno.EPERM) scan.Denied.Add(pid);
                else if (errno != 0) scan.Missing.Add(pid);
                else scan.SubjectPids.Add(pid);
            }
        }
        else if (selection.NamePatterns is { } patterns)
        {
            scan.MatchedPatterns = new bool[patterns.Count];
            foreach (int pid in pids)
            {
                if (!patterns.Match(_reader, _procFd, pid, scan.MatchedPatterns, out var name)) continue;
                _names[pid] = name;
                // A pattern may match many processes: a descriptor some lack is not worth an error each.
                int errno = _scanner.Scan(pid, everything, scan.Descriptors);
                if (errno is Errno.EACCES or Errno.EPERM) scan.Denied.Add(pid);
                else if (errno == 0) scan.SubjectPids.Add(pid);
            }
        }
    }

    private static bool NeedsSockets(Scan scan) =>
        !(scan.Selection.ProcessIds is not null || scan.Selection.NamePatterns is not null)
        || scan.Descriptors.Any(d => d.Key.Type == ChannelType.Socket && IsRequested(scan, d));

    /// <summary>A subject's descriptor the user asked about (all of them without -FileDescriptor): only
    /// these need their peers found, which keeps the pass over the machine to the channels that matter.</summary>
    private static bool IsRequested(Scan scan, OpenDescriptor d) =>
        scan.SubjectPids.Contains(d.ProcessId) && scan.Selection.FileDescriptors?.Contains(d.Fd) != false;

    /// <summary>The processes holding socket descriptors the table does not know yet (TCP, UDP, netlink... or Unix
    /// sockets of another network namespace).</summary>
    private static IEnumerable<int> UnresolvedSocketHolders(Scan scan, UnixSocketDirectory unix) =>
        scan.Descriptors.Where(d => d.Key.Type == ChannelType.Socket && !unix.Contains(d.Key.Inode)).Select(d => d.ProcessId).Distinct().ToList();

    private static IEnumerable<ulong> RequestedInodes(Scan scan) =>
        scan.Selection.Inodes?.Where(i => i > 0).Select(i => (ulong)i) ?? Enumerable.Empty<ulong>();

    /// <summary>What the pass over every other process looks for (unless -All): the channels of the subjects, or
    /// the inodes asked for, and the sockets these sockets are connected to (or wait in the accept queue of).</summary>
    private static HashSet<ChannelKey> WantedKeys(Scan scan, UnixSocketDirectory unix)
    {
        var keys = new HashSet<ChannelKey>();
        var socketInodes = new List<ulong>();
        if (scan.Selection.Inodes is not null)
        {
            socketInodes.AddRange(RequestedInodes(scan));
            socketInodes.AddRange(scan.Descriptors.Where(d => d.Key.Type == ChannelType.Socket).Select(d => d.Key.Inode));
        }
        else
        {
            foreach (var d in scan.Descriptors.Where(d => IsRequested(scan, d)))
            {
                if (d.Key.Type != ChannelType.Socket) keys.Add(d.Key);
                else socketInodes.Add(d.Key.Inode);
            }
        }
        foreach (ulong inode in socketInodes)
        {
            if (!unix.Contains(inode)) continue;
            var socket = unix.Sockets[(uint)inode];
            keys.Add(ChannelKey.Socket(inode));
            if (socket.PeerInode is uint peer and > 0) keys.Add(ChannelKey.Socket(peer));
            if (unix.ListenerOf.TryGetValue((uint)inode, out uint listener)) keys.Add(ChannelKey.Socket(listener));
        }
        return keys;
    }

    /// <summary>
    /// The pass over every other process: one readlink per descriptor, which is the kernel's cost (it formats
    /// each link) and the whole of a one-pipe query. It runs on up to <see cref="MachineScanWorkers"/>
    /// threads over disjoint parts of the process list, each with its own reader, and ends promptly on
    /// cancellation; progress is reported from the calling thread.
    /// </summary>
    private bool ScanMachine(Scan scan, List<int> pids, DescriptorFilter filter, CancellationToken cancellationToken, Action<int, int>? progress)
    {
        var others = pids.Where(pid => !scan.SubjectPids.Contains(pid)).ToArray();
        int workers = Math.Min(MachineScanWorkers, Math.Max(1, others.Length / 64));
        var found = new List<OpenDescriptor>[workers];
        var notPermitted = new int[workers];
        int scanned = 0;
        var tasks = new Task[workers];
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            found[worker] = new List<OpenDescriptor>();
            // Interleaved, so that every worker gets its share of the big processes wherever they are in the list.
            tasks[worker] = Task.Factory.StartNew(() =>
            {
                using var reader = worker == 0 ? null : new ProcFileReader();
                var scanner = worker == 0 ? _scanner : new DescriptorScanner(reader!, _procFd);
                for (int i = worker; i < others.Length; i += workers)
                {
                    if (cancellationToken.IsCancellationRequested) return;
                    int errno = scanner.Scan(others[i], filter, found[worker]);
                    if (errno is Errno.EACCES or Errno.EPERM) notPermitted[worker]++;
                    Interlocked.Increment(ref scanned);
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        var all = Task.WhenAll(tasks);
        while (!all.Wait(ProgressEvery))
            progress?.Invoke(Volatile.Read(ref scanned), others.Length);
        for (int w = 0; w < workers; w++)
        {
            scan.Descriptors.AddRange(found[w]);
            scan.NotPermitted += notPermitted[w];
        }
        return !cancellationToken.IsCancellationRequested;
    }

    /// <summary>How many threads read the machine's descriptor tables at once: the scan is short and
    /// kernel-bound, so using the CPUs there are (up to four) shortens it without costing more in all.</summary>
    private static int MachineScanWorkers => Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>The descriptors to report: the subjects' (Unix sockets only among sockets), every holder of the
    /// inodes asked for, or every pipe, FIFO and Unix socket descriptor.</summary>
    private static List<OpenDescriptor> ChooseSubjects(Scan scan, UnixSocketDirectory unix)
    {
        var selection = scan.Selection;
        IEnumerable<OpenDescriptor> chosen = selection.Inodes is { } inodes
            ? scan.Descriptors.Where(d => inodes.Contains((long)d.Key.Inode))
            : selection.IsAll ? scan.Descriptors
            : scan.Descriptors.Where(d => scan.SubjectPids.Contains(d.ProcessId) && selection.FileDescriptors?.Contains(d.Fd) != false);
        var subjects = new List<OpenDescriptor>();
        var unresolved = new HashSet<int>();
        foreach (var d in chosen)
        {
            if (d.Key.Type != ChannelType.Socket || unix.Contains(d.Key.Inode)) subjects.Add(d);
            else unresolved.Add(d.ProcessId);
        }
        scan.ForeignNetworkProcesses = unresolved.Count(unix.IsInUndumpedNamespace);
        subjects.Sort(static (a, b) => a.ProcessId != b.ProcessId ? a.ProcessId.CompareTo(b.ProcessId) : a.Fd.CompareTo(b.Fd));
        return subjects;
    }

    private static List<OtherDescriptor> OtherRequested(Scan scan, List<OpenDescriptor> subjects)
    {
        var others = new List<OtherDescriptor>(scan.Others);
        if (scan.Selection.FileDescriptors is not { } fds || scan.Selection.ProcessIds is null) return others;
        foreach (var d in scan.Descriptors)
        {
            // A requested descriptor on a socket sock_diag did not report: TCP, UDP, netlink...
            if (scan.SubjectPids.Contains(d.ProcessId) && fds.Contains(d.Fd) && d.Key.Type == ChannelType.Socket && !subjects.Contains(d))
                others.Add(new OtherDescriptor(d.ProcessId, d.Fd, FormattableString.Invariant($"socket:[{d.Key.Inode}] (not a Unix socket of this network namespace)")));
        }
        foreach (int pid in scan.SubjectPids)
            foreach (int fd in fds)
                if (!scan.Descriptors.Any(d => d.ProcessId == pid && d.Fd == fd) && !others.Any(o => o.ProcessId == pid && o.FileDescriptor == fd))
                    others.Add(new OtherDescriptor(pid, fd, "not open"));
        return others;
    }

    /// <summary>The name of <paramref name="pid"/> as Get-Process shows it, cached; "" once it is gone.</summary>
    private string NameOf(int pid)
    {
        if (_names.TryGetValue(pid, out var name)) return name;
        name = ProcessNameResolver.TryResolve(_reader, _procFd, pid, out string comm, out string? untruncated) ? untruncated ?? comm : "";
        _names[pid] = name;
        return name;
    }

    /// <summary>Closes the /proc directory handle.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _procFd.Dispose();
        _reader.Dispose();
    }
}
