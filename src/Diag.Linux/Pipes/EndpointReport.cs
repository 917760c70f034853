using Diag.Linux.Interop;
using Diag.Linux.Netlink;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Pipes;

/// <summary>
/// Turns the descriptors a scan found into <see cref="PipeEndpoint"/>s: reads each reported pipe's fill (one
/// holder's descriptor is enough), the blocked threads of every holder (and, for a socket, of its peer's
/// holders), and asks <see cref="PipeDiagnoser"/> what is wrong.
/// </summary>
internal sealed class EndpointReport(EndpointReport.Sources sources, Dictionary<ChannelKey, List<OpenDescriptor>> holders,
    Dictionary<uint, UnixSocketInfo> sockets, Dictionary<uint, uint> listenerOf, int uninspectedProcesses,
    IReadOnlyDictionary<ChannelKey, (long Buffered, long Capacity)> kernelFills)
{
    /// <summary>What the report reads with: the finder's /proc reader and handle, its thread reader and name cache.</summary>
    public sealed record Sources(ProcFileReader Reader, SafeFileDescriptor ProcFd, ThreadBlockReader Threads, Func<int, string> NameOf, bool LiveSystem);

    private readonly Dictionary<ChannelKey, (long Buffered, long Capacity)> _fills = new();
    private readonly Dictionary<(int Pid, int Fd), List<BlockedThread>> _blocked = new();
    private readonly Dictionary<ChannelKey, Channel> _channels = new();
    private readonly Dictionary<(int Pid, ChannelKey Key), bool> _nonBlocking = new();

    public int PipesWithoutFill { get; private set; }

    public int ProcessesWithoutThreads { get; private set; }

    /// <summary>One endpoint per descriptor of <paramref name="subjects"/>, in their order.</summary>
    public PipeEndpoint[] Build(List<OpenDescriptor> subjects)
    {
        var channels = subjects.Select(s => s.Key).Distinct().ToList();
        ReadFills(channels.Where(k => k.Type != ChannelType.Socket));
        ReadBlockedThreads(channels);
        return subjects.Select(Endpoint).ToArray();
    }

    private void ReadFills(IEnumerable<ChannelKey> pipes)
    {
        if (!sources.LiveSystem) return;
        using var probe = new PipeFillProbe();
        foreach (var key in pipes)
        {
            // Read by the descriptor iterator in its pass: no copy of a descriptor needed.
            if (kernelFills.TryGetValue(key, out var known))
            {
                _fills[key] = known;
                continue;
            }
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
            int errno = sources.Threads.Read(pid, fd => fds.TryGetValue(fd, out var access) ? access : null, blocks);
            if (errno is Errno.EACCES or Errno.EPERM) ProcessesWithoutThreads++;
            foreach (var b in blocks)
            {
                if (!_blocked.TryGetValue((pid, b.Fd), out var list)) _blocked[(pid, b.Fd)] = list = new List<BlockedThread>();
                list.Add(new BlockedThread
                {
                    ProcessId = pid, ProcessName = sources.NameOf(pid), ThreadId = b.ThreadId, ThreadName = b.ThreadName,
                    FileDescriptor = b.Fd, Syscall = ThreadBlockReader.NameOf(b.Syscall), DirectionValue = b.Direction, WaitChannel = b.WaitChannel,
                });
            }
        }
    }

    private Holder HolderOf(OpenDescriptor d) => new(d.ProcessId, sources.NameOf(d.ProcessId), d.Fd, d.Access);

    /// <summary>The holders of one channel with their (shared, immutable) peer objects and the threads blocked on
    /// it: built once per channel, however many of its descriptors are reported.</summary>
    private sealed record Channel(List<Holder> Holders, PipePeer[] Peers, BlockedThread[] Blocked);

    private static readonly Channel NoChannel = new(new List<Holder>(), Array.Empty<PipePeer>(), Array.Empty<BlockedThread>());

    private Channel ChannelOf(ChannelKey key)
    {
        if (_channels.TryGetValue(key, out var channel)) return channel;
        if (!holders.TryGetValue(key, out var list)) return NoChannel;
        var all = list.Select(HolderOf).ToList();
        channel = new Channel(all, all.Select(h => h.ToPeer()).ToArray(), BlockedOn(all));
        _channels[key] = channel;
        return channel;
    }

    /// <summary>Each endpoint gets its own array (the elements are immutable and shared).</summary>
    private static T[] Copy<T>(T[] items) => items.Length == 0 ? items : (T[])items.Clone();

    private BlockedThread[] BlockedOn(IEnumerable<Holder> on)
    {
        List<BlockedThread>? found = null;
        foreach (var h in on)
            if (_blocked.TryGetValue((h.ProcessId, h.Fd), out var list)) (found ??= new List<BlockedThread>()).AddRange(list);
        return found is null ? Array.Empty<BlockedThread>() : found.OrderBy(b => b.ProcessId).ThenBy(b => b.ThreadId).ToArray();
    }

    private PipeEndpoint Endpoint(OpenDescriptor d) =>
        d.Key.Type == ChannelType.Socket ? SocketEndpoint(d, sockets[(uint)d.Key.Inode]) : PipeEndpointOf(d);

    private PipeEndpoint PipeEndpointOf(OpenDescriptor d)
    {
        var subject = HolderOf(d);
        var channel = ChannelOf(d.Key);
        (long Buffered, long Capacity)? fill = _fills.TryGetValue(d.Key, out var f) ? f : null;
        var facts = new PipeFacts
        {
            Subject = subject,
            Holders = channel.Holders,
            BufferedBytes = fill?.Buffered,
            Capacity = fill?.Capacity,
            Blocked = channel.Blocked,
            SubjectProcessWritesNonBlocking = WritesNonBlocking(d.ProcessId, d.Key, channel.Holders),
            UninspectedProcesses = uninspectedProcesses,
        };
        var (diagnosis, message) = PipeDiagnoser.Diagnose(facts);
        var peers = new List<PipePeer>();
        for (int i = 0; i < channel.Holders.Count; i++)
        {
            var h = channel.Holders[i];
            if (h.ProcessId == d.ProcessId && h.Fd == d.Fd) continue;
            if (d.Access == EndpointAccess.ReadWrite || (d.Access == EndpointAccess.Write ? h.Reads : h.Writes)) peers.Add(channel.Peers[i]);
        }
        return new PipeEndpoint
        {
            ProcessId = d.ProcessId, ProcessName = subject.ProcessName, FileDescriptor = d.Fd,
            KindValue = d.Key.Type == ChannelType.Fifo ? EndpointKind.Fifo : EndpointKind.Pipe,
            Inode = (long)d.Key.Inode, Path = d.Path, AccessValue = d.Access,
            Peers = peers.ToArray(),
            BufferedBytes = fill?.Buffered, Capacity = fill?.Capacity, BlockedThreads = Copy(channel.Blocked),
            DiagnosisValue = diagnosis, Message = message,
        };
    }

    /// <summary>Whether every write-only descriptor <paramref name="pid"/> has on the pipe is O_NONBLOCK (read from
    /// fdinfo only when the process is the pipe's only reader, the one case the answer matters; once per process and pipe).</summary>
    private bool WritesNonBlocking(int pid, ChannelKey key, List<Holder> all)
    {
        if (!PipeDiagnoser.IsSelfLoopCandidate(pid, all)) return false;
        if (_nonBlocking.TryGetValue((pid, key), out bool known)) return known;
        bool nonBlocking = all.Where(h => h.ProcessId == pid && h.Access == EndpointAccess.Write)
            .All(h => DescriptorFlags.TryRead(sources.Reader, sources.ProcFd, pid, h.Fd) is int flags && (flags & DescriptorFlags.O_NONBLOCK) != 0);
        _nonBlocking[(pid, key)] = nonBlocking;
        return nonBlocking;
    }

    private PipeEndpoint SocketEndpoint(OpenDescriptor d, UnixSocketInfo socket)
    {
        var subject = HolderOf(d);
        UnixSocketInfo? peer = socket.PeerInode is uint p and > 0 && sockets.TryGetValue(p, out var found) ? found : null;
        var peerChannel = socket.PeerInode is uint q and > 0 ? ChannelOf(ChannelKey.Socket(q)) : NoChannel;
        UnixSocketInfo? listener = socket.PeerInode == 0 && listenerOf.TryGetValue(socket.Inode, out uint l) && sockets.TryGetValue(l, out var li) ? li : null;
        var own = ChannelOf(d.Key);
        var blocked = own.Blocked.Length + peerChannel.Blocked.Length == 0 ? Array.Empty<BlockedThread>()
            : own.Blocked.Concat(peerChannel.Blocked).OrderBy(b => b.ProcessId).ThenBy(b => b.ThreadId).ToArray();
        var (diagnosis, message) = PipeDiagnoser.Diagnose(new SocketFacts
        {
            Subject = subject, Socket = socket, Peer = peer, PeerHolders = peerChannel.Holders,
            Listener = listener, ListenerHolders = listener is null ? Array.Empty<Holder>() : ChannelOf(ChannelKey.Socket(listener.Inode)).Holders,
            Blocked = blocked, UninspectedProcesses = uninspectedProcesses,
        });
        return new PipeEndpoint
        {
            ProcessId = d.ProcessId, ProcessName = subject.ProcessName, FileDescriptor = d.Fd,
            KindValue = socket.Type switch
            {
                UnixSocketInfo.SOCK_DGRAM => EndpointKind.UnixDatagram,
                UnixSocketInfo.SOCK_SEQPACKET => EndpointKind.UnixSeqPacket,
                _ => EndpointKind.UnixStream,
            },
            Inode = (long)d.Key.Inode, Path = socket.Name ?? peer?.Name ?? listener?.Name, AccessValue = d.Access,
            Peers = Copy(peerChannel.Peers),
            BufferedBytes = socket.IsListening ? null : socket.ReceiveQueue, Capacity = null, BlockedThreads = blocked,
            DiagnosisValue = diagnosis, Message = message,
        };
    }
}
