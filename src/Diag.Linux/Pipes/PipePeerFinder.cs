using System.Diagnostics;
using Diag.Linux.Interop;
using Diag.Linux.Netlink;
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
    private readonly int _procFd;
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
        _procFd = _reader.OpenDirectory(procPath);
        if (_procFd < 0) throw new SyscallException("open", -_procFd, procPath);
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
        var scan = new Scan(selection);
        var pids = new List<int>();
        _reader.ListNumericEntries(_procFd, pids);

        ScanSubjects(scan, pids);
        var sockets = NeedsSockets(scan) && _liveSystem && UnixSocketDiag.TryDump(out var table) == 0 ? table : new Dictionary<uint, UnixSocketInfo>();
        var listenerOf = new Dictionary<uint, uint>();
        foreach (var socket in sockets.Values)
            foreach (uint client in socket.PendingClients) listenerOf[client] = socket.Inode;

        var filter = MachineFilter(scan, sockets, listenerOf);
        if (!filter.IsEmpty && !ScanMachine(scan, pids, filter, cancellationToken, progress))
            return new PipeScanResult { Cancelled = true };

        var holders = new Dictionary<ChannelKey, List<OpenDescriptor>>();
        foreach (var d in scan.Descriptors)
        {
            if (!holders.TryGetValue(d.Key, out var list)) holders[d.Key] = list = new List<OpenDescriptor>();
            list.Add(d);
        }
        var subjects = ChooseSubjects(scan, sockets);
        var report = new Report(this, scan, holders, sockets, listenerOf, subjects);
        var endpoints = report.Build();
        return new PipeScanResult
        {
            Endpoints = endpoints,
            MissingProcessIds = scan.Missing,
            DeniedProcessIds = scan.Denied,
            UnmatchedNamePatterns = scan.MatchedPatterns is { } matched ? Enumerable.Range(0, matched.Length).Where(i => !matched[i]).ToArray() : Array.Empty<int>(),
            UnmatchedInodes = selection.Inodes?.Where(i => !endpoints.Any(e => e.Inode == i)).ToArray() ?? Array.Empty<long>(),
            OtherDescriptors = OtherRequested(scan, subjects),
            ProcessesNotPermitted = scan.NotPermitted,
            ProcessesInOtherNetworkNamespaces = scan.ForeignNetworkProcesses,
            PipesWithoutFill = report.PipesWithoutFill,
            ProcessesWithoutThreads = report.ProcessesWithoutThreads,
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
                if (!ProcessNameResolver.TryResolve(_reader, _procFd, pid, out string comm, out string? untruncated)) continue;
                bool any = false;
                for (int i = 0; i < patterns.Count; i++)
                {
                    if (!patterns[i](comm) && (untruncated is null || !patterns[i](untruncated))) continue;
                    scan.MatchedPatterns[i] = any = true;
                }
                if (!any) continue;
                _names[pid] = untruncated ?? comm;
                int errno = _scanner.Scan(pid, everything, scan.Descriptors, scan.Others, selection.FileDescriptors);
                if (errno is Errno.EACCES or Errno.EPERM) scan.Denied.Add(pid);
                else if (errno == 0) scan.SubjectPids.Add(pid);
            }
        }
    }

    private static bool NeedsSockets(Scan scan) =>
        !(scan.Selection.ProcessIds is not null || scan.Selection.NamePatterns is not null)
        || scan.Descriptors.Any(d => d.Key.Type == ChannelType.Socket);

    /// <summary>What the pass over every other process looks for: everything (-All), or the channels of the
    /// subjects and the sockets theirs are connected to (or wait in the accept queue of).</summary>
    private static DescriptorFilter MachineFilter(Scan scan, Dictionary<uint, UnixSocketInfo> sockets, Dictionary<uint, uint> listenerOf)
    {
        var selection = scan.Selection;
        if (selection.IsAll) return DescriptorFilter.Everything();
        var keys = new HashSet<ChannelKey>();
        var socketInodes = new List<uint>();
        if (selection.Inodes is { } inodes)
        {
            foreach (long inode in inodes)
                if (inode is > 0 and <= uint.MaxValue) socketInodes.Add((uint)inode);
        }
        else
        {
            foreach (var d in scan.Descriptors)
            {
                if (d.Key.Type != ChannelType.Socket) keys.Add(d.Key);
                else if (d.Key.Inode <= uint.MaxValue) socketInodes.Add((uint)d.Key.Inode);
            }
        }
        foreach (uint inode in socketInodes)
        {
            if (!sockets.TryGetValue(inode, out var socket)) continue;
            keys.Add(ChannelKey.Socket(inode));
            if (socket.PeerInode is uint peer and > 0) keys.Add(ChannelKey.Socket(peer));
            if (listenerOf.TryGetValue(inode, out uint listener)) keys.Add(ChannelKey.Socket(listener));
        }
        return DescriptorFilter.For(keys, selection.Inodes?.Where(i => i > 0).Select(i => (ulong)i) ?? Enumerable.Empty<ulong>());
    }

    private bool ScanMachine(Scan scan, List<int> pids, DescriptorFilter filter, CancellationToken cancellationToken, Action<int, int>? progress)
    {
        var lastProgress = Stopwatch.StartNew();
        for (int i = 0; i < pids.Count; i++)
        {
            if (cancellationToken.IsCancellationRequested) return false;
            if (progress is not null && lastProgress.Elapsed >= ProgressEvery)
            {
                progress(i, pids.Count);
                lastProgress.Restart();
            }
            int pid = pids[i];
            if (scan.SubjectPids.Contains(pid)) continue;
            int errno = _scanner.Scan(pid, filter, scan.Descriptors);
            if (errno is Errno.EACCES or Errno.EPERM) scan.NotPermitted++;
        }
        return !cancellationToken.IsCancellationRequested;
    }

    /// <summary>The descriptors to report: the subjects' (Unix sockets only among sockets), every holder of the
    /// inodes asked for, or every pipe, FIFO and Unix socket descriptor.</summary>
    private List<OpenDescriptor> ChooseSubjects(Scan scan, Dictionary<uint, UnixSocketInfo> sockets)
    {
        var selection = scan.Selection;
        IEnumerable<OpenDescriptor> chosen = selection.Inodes is { } inodes
            ? scan.Descriptors.Where(d => inodes.Contains((long)d.Key.Inode))
            : selection.IsAll ? scan.Descriptors
            : scan.Descriptors.Where(d => scan.SubjectPids.Contains(d.ProcessId) && selection.FileDescriptors?.Contains(d.Fd) != false);
        var subjects = new List<OpenDescriptor>();
        var foreignCandidates = new HashSet<int>();
        foreach (var d in chosen)
        {
            if (d.Key.Type != ChannelType.Socket || sockets.ContainsKey((uint)d.Key.Inode)) subjects.Add(d);
            else foreignCandidates.Add(d.ProcessId);
        }
        scan.ForeignNetworkProcesses = CountOtherNetworkNamespaces(foreignCandidates);
        subjects.Sort(static (a, b) => a.ProcessId != b.ProcessId ? a.ProcessId.CompareTo(b.ProcessId) : a.Fd.CompareTo(b.Fd));
        return subjects;
    }

    /// <summary>Of processes holding sockets sock_diag did not report (TCP, UDP, netlink... or Unix sockets of
    /// another network namespace), how many are in another network namespace.</summary>
    private int CountOtherNetworkNamespaces(HashSet<int> pids)
    {
        if (pids.Count == 0 || !_liveSystem) return 0;
        if (_reader.ReadLink(_procFd, Libc.GetPid(), "ns/net"u8, out var own) != 0) return 0;
        byte[] ours = own.ToArray();
        int count = 0;
        foreach (int pid in pids)
            if (_reader.ReadLink(_procFd, pid, "ns/net"u8, out var theirs) == 0 && !theirs.SequenceEqual(ours)) count++;
        return count;
    }

    private static List<OtherDescriptor> OtherRequested(Scan scan, List<OpenDescriptor> subjects)
    {
        var others = new List<OtherDescriptor>(scan.Others);
        if (scan.Selection.FileDescriptors is not { } fds) return others;
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

    /// <summary>Turns the scanned descriptors into <see cref="PipeEndpoint"/>s: fills, blocked threads, diagnoses.</summary>
    private sealed class Report(PipePeerFinder finder, Scan scan, Dictionary<ChannelKey, List<OpenDescriptor>> holders,
        Dictionary<uint, UnixSocketInfo> sockets, Dictionary<uint, uint> listenerOf, List<OpenDescriptor> subjects)
    {
        private readonly Dictionary<ChannelKey, (long Buffered, long Capacity)> _fills = new();
        private readonly Dictionary<(int Pid, int Fd), List<BlockedThread>> _blocked = new();

        public int PipesWithoutFill { get; private set; }

        public int ProcessesWithoutThreads { get; private set; }

        public PipeEndpoint[] Build()
        {
            var channels = subjects.Select(s => s.Key).Distinct().ToList();
            ReadFills(channels.Where(k => k.Type != ChannelType.Socket));
            ReadBlockedThreads(channels);
            return subjects.Select(Endpoint).ToArray();
        }

        private void ReadFills(IEnumerable<ChannelKey> pipes)
        {
            if (!finder._liveSystem) return;
            using var probe = new PipeFillProbe();
            foreach (var key in pipes)
            {
                // Any holder will do; the first that is still there answers.
                bool read = false, denied = false;
                foreach (var d in holders[key])
                {
                    int errno = probe.TryRead(d.ProcessId, d.Fd, d.Key.Inode, out long buffered, out long capacity);
                    if (errno == 0)
                    {
                        _fills[key] = (buffered, capacity);
                        read = true;
                        break;
                    }
                    if (errno is Errno.EPERM or Errno.EACCES or Errno.ENOSYS) denied = true;
                }
                if (!read && denied) PipesWithoutFill++;
            }
        }

        /// <summary>Reads the threads of every process holding a reported channel (or, for a socket, its peer).</summary>
        private void ReadBlockedThreads(List<ChannelKey> channels)
        {
            var watched = new Dictionary<int, Dictionary<int, EndpointAccess>>();
            void Watch(ChannelKey key)
            {
                if (!holders.TryGetValue(key, out var list)) return;
                foreach (var d in list)
                {
                    if (!watched.TryGetValue(d.ProcessId, out var fds)) watched[d.ProcessId] = fds = new Dictionary<int, EndpointAccess>();
                    fds[d.Fd] = d.Access;
                }
            }
            foreach (var key in channels)
            {
                Watch(key);
                if (key.Type == ChannelType.Socket && sockets.TryGetValue((uint)key.Inode, out var socket) && socket.PeerInode is uint peer and > 0)
                    Watch(ChannelKey.Socket(peer));
            }
            var blocks = new List<ThreadBlockReader.Block>();
            foreach (var (pid, fds) in watched)
            {
                blocks.Clear();
                int errno = finder._threads.Read(pid, fd => fds.TryGetValue(fd, out var access) ? access : null, blocks);
                if (errno is Errno.EACCES or Errno.EPERM) ProcessesWithoutThreads++;
                foreach (var b in blocks)
                {
                    if (!_blocked.TryGetValue((pid, b.Fd), out var list)) _blocked[(pid, b.Fd)] = list = new List<BlockedThread>();
                    list.Add(new BlockedThread
                    {
                        ProcessId = pid, ProcessName = finder.NameOf(pid), ThreadId = b.ThreadId, ThreadName = b.ThreadName,
                        FileDescriptor = b.Fd, Syscall = ThreadBlockReader.NameOf(b.Syscall), Direction = b.Direction, WaitChannel = b.WaitChannel,
                    });
                }
            }
        }

        private Holder HolderOf(OpenDescriptor d) => new(d.ProcessId, finder.NameOf(d.ProcessId), d.Fd, d.Access);

        private List<Holder> HoldersOf(ChannelKey key) =>
            holders.TryGetValue(key, out var list) ? list.Select(HolderOf).ToList() : new List<Holder>();

        private BlockedThread[] BlockedOn(IEnumerable<Holder> on) =>
            on.SelectMany(h => _blocked.TryGetValue((h.ProcessId, h.Fd), out var list) ? list : Enumerable.Empty<BlockedThread>())
              .OrderBy(b => b.ProcessId).ThenBy(b => b.ThreadId).ToArray();

        private PipeEndpoint Endpoint(OpenDescriptor d) =>
            d.Key.Type == ChannelType.Socket ? SocketEndpoint(d, sockets[(uint)d.Key.Inode]) : PipeEndpointOf(d);

        private PipeEndpoint PipeEndpointOf(OpenDescriptor d)
        {
            var subject = HolderOf(d);
            var all = HoldersOf(d.Key);
            var blocked = BlockedOn(all);
            (long Buffered, long Capacity)? fill = _fills.TryGetValue(d.Key, out var f) ? f : null;
            var facts = new PipeFacts
            {
                Subject = subject,
                Holders = all,
                BufferedBytes = fill?.Buffered,
                Capacity = fill?.Capacity,
                Blocked = blocked,
                SubjectProcessWritesNonBlocking = WritesNonBlocking(d.ProcessId, all),
                UninspectedProcesses = scan.NotPermitted,
            };
            var (diagnosis, message) = PipeDiagnoser.Diagnose(facts);
            var peers = all.Where(h => !(h.ProcessId == d.ProcessId && h.Fd == d.Fd)
                                       && (d.Access == EndpointAccess.ReadWrite || (d.Access == EndpointAccess.Write ? h.Reads : h.Writes)));
            return new PipeEndpoint
            {
                ProcessId = d.ProcessId, ProcessName = subject.ProcessName, FileDescriptor = d.Fd,
                Kind = d.Key.Type == ChannelType.Fifo ? EndpointKind.Fifo : EndpointKind.Pipe,
                Inode = (long)d.Key.Inode, Path = d.Path, Access = d.Access,
                Peers = peers.Select(h => h.ToPeer()).ToArray(),
                BufferedBytes = fill?.Buffered, Capacity = fill?.Capacity, BlockedThreads = blocked,
                Diagnosis = diagnosis, Message = message,
            };
        }

        /// <summary>Whether every write-only descriptor <paramref name="pid"/> has on the pipe is O_NONBLOCK (read from
        /// fdinfo only when the process is the pipe's only reader, the one case the answer matters).</summary>
        private bool WritesNonBlocking(int pid, List<Holder> all) =>
            PipeDiagnoser.IsSelfLoopCandidate(pid, all)
            && all.Where(h => h.ProcessId == pid && h.Access == EndpointAccess.Write)
                  .All(h => DescriptorFlags.TryRead(finder._reader, finder._procFd, pid, h.Fd) is int flags && (flags & DescriptorFlags.O_NONBLOCK) != 0);

        private PipeEndpoint SocketEndpoint(OpenDescriptor d, UnixSocketInfo socket)
        {
            var subject = HolderOf(d);
            UnixSocketInfo? peer = socket.PeerInode is uint p and > 0 && sockets.TryGetValue(p, out var found) ? found : null;
            var peerHolders = socket.PeerInode is uint q and > 0 ? HoldersOf(ChannelKey.Socket(q)) : new List<Holder>();
            UnixSocketInfo? listener = socket.PeerInode == 0 && listenerOf.TryGetValue(socket.Inode, out uint l) && sockets.TryGetValue(l, out var li) ? li : null;
            var own = HoldersOf(d.Key);
            var blocked = BlockedOn(own.Concat(peerHolders));
            var (diagnosis, message) = PipeDiagnoser.Diagnose(new SocketFacts
            {
                Subject = subject, Socket = socket, Peer = peer, PeerHolders = peerHolders,
                Listener = listener, ListenerHolders = listener is null ? Array.Empty<Holder>() : HoldersOf(ChannelKey.Socket(listener.Inode)),
                Blocked = blocked, UninspectedProcesses = scan.NotPermitted,
            });
            return new PipeEndpoint
            {
                ProcessId = d.ProcessId, ProcessName = subject.ProcessName, FileDescriptor = d.Fd,
                Kind = socket.Type switch
                {
                    UnixSocketInfo.SOCK_DGRAM => EndpointKind.UnixDatagram,
                    UnixSocketInfo.SOCK_SEQPACKET => EndpointKind.UnixSeqPacket,
                    _ => EndpointKind.UnixStream,
                },
                Inode = (long)d.Key.Inode, Path = socket.Name ?? peer?.Name ?? listener?.Name, Access = d.Access,
                Peers = peerHolders.Select(h => h.ToPeer()).ToArray(),
                BufferedBytes = socket.IsListening ? null : socket.ReceiveQueue, Capacity = null, BlockedThreads = blocked,
                Diagnosis = diagnosis, Message = message,
            };
        }
    }

    /// <summary>Closes the /proc directory handle.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Libc.Close(_procFd);
        _reader.Dispose();
    }
}
