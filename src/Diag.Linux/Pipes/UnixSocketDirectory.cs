using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.Namespaces;
using Diag.Linux.Netlink;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Pipes;

/// <summary>
/// The Unix sockets sock_diag reports, by inode, and which listener each waiting client is queued on. sock_diag
/// answers for the network namespace of the asking socket only, so the sockets of processes in other
/// namespaces (containers) are asked for from a short-lived thread that setns()es into their namespace:
/// a network namespace belongs to a thread, so nothing else in this process moves, and the thread ends with
/// the dump. That needs CAP_SYS_ADMIN; without it those processes are counted instead. Socket inodes are
/// unique machine-wide, so the dumps merge into one table.
/// </summary>
internal sealed class UnixSocketDirectory
{
    private readonly ProcFileReader _reader;
    private readonly SafeFileDescriptor _procFd;
    private readonly Dictionary<string, bool> _namespaces = new(); // "net:[4026531840]" → dumped
    private readonly Dictionary<int, string?> _namespaceOf = new();
    private string? _own;

    public UnixSocketDirectory(ProcFileReader reader, SafeFileDescriptor procFd)
    {
        _reader = reader;
        _procFd = procFd;
    }

    public Dictionary<uint, UnixSocketInfo> Sockets { get; } = new();

    /// <summary>Client socket inode → the inode of the listener in whose accept queue it waits.</summary>
    public Dictionary<uint, uint> ListenerOf { get; } = new();

    public bool Contains(ulong inode) => inode <= uint.MaxValue && Sockets.ContainsKey((uint)inode);

    /// <summary>Dumps this process's own network namespace.</summary>
    public void DumpOwn()
    {
        _own = NamespaceOf(Libc.GetPid());
        bool dumped = UnixSocketDiag.TryDump(out var sockets) == 0;
        if (_own is not null) _namespaces[_own] = dumped;
        if (dumped) Merge(sockets);
    }

    /// <summary>Dumps, once each, the network namespaces of <paramref name="pids"/> (processes holding sockets not
    /// in the table yet) that differ from this process's.</summary>
    public void DumpNamespacesOf(IEnumerable<int> pids)
    {
        foreach (int pid in pids)
        {
            string? ns = NamespaceOf(pid);
            if (ns is null || ns == _own || _namespaces.ContainsKey(ns)) continue;
            _namespaces[ns] = TryDumpIn(pid, out var sockets) == 0;
            if (_namespaces[ns]) Merge(sockets!);
        }
    }

    /// <summary>True when <paramref name="pid"/> is in another network namespace whose sockets could not be dumped.</summary>
    public bool IsInUndumpedNamespace(int pid) =>
        NamespaceOf(pid) is { } ns && ns != _own && !(_namespaces.TryGetValue(ns, out bool dumped) && dumped);

    private string? NamespaceOf(int pid)
    {
        if (_namespaceOf.TryGetValue(pid, out var ns)) return ns;
        ns = _reader.ReadLink(_procFd, pid, "ns/net"u8, out var target) == 0 ? Encoding.ASCII.GetString(target) : null;
        _namespaceOf[pid] = ns;
        return ns;
    }

    private static int TryDumpIn(int pid, out Dictionary<uint, UnixSocketInfo>? sockets)
    {
        int dumpErrno = 0;
        int errno = NetworkNamespaceEntry.TryRun($"/proc/{pid}/ns/net", () =>
        {
            dumpErrno = UnixSocketDiag.TryDump(out var dumped);
            return dumped;
        }, out sockets);
        if (errno == 0 && dumpErrno != 0) sockets = null;
        return errno != 0 ? errno : dumpErrno;
    }

    private void Merge(Dictionary<uint, UnixSocketInfo> sockets)
    {
        foreach (var (inode, socket) in sockets)
        {
            Sockets[inode] = socket;
            foreach (uint client in socket.PendingClients) ListenerOf[client] = inode;
        }
    }
}
