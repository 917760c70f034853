using Diag.Linux.Interop;
using Diag.Linux.Namespaces;
using Diag.Linux.Netlink;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Conntrack;

/// <summary>
/// What Test-ConntrackCapacity holds open in one network namespace: a ctnetlink socket and the namespace's
/// /proc/net/stat/nf_conntrack, both opened from a thread inside the namespace (so they answer for it from any thread
/// afterwards), and its sysctls read there. The counters are read twice through them, a sample interval apart, and
/// the table is dumped through the socket. Disposing closes both.
/// </summary>
internal sealed class ConntrackNamespaceProbe : IDisposable
{
    private const string StatPath = "/proc/thread-self/net/stat/nf_conntrack";

    private readonly NetlinkSocket? _socket;
    private readonly SafeFileDescriptor? _statFile;
    private readonly ProcFileReader _reader = new();

    private ConntrackNamespaceProbe(NetworkNamespace ns, ConntrackSettings settings, NetlinkSocket? socket, int socketErrno, SafeFileDescriptor? statFile)
    {
        Namespace = ns;
        Settings = settings;
        _socket = socket;
        NetlinkErrno = socketErrno;
        _statFile = statFile;
    }

    public NetworkNamespace Namespace { get; }

    public ConntrackSettings Settings { get; }

    /// <summary>Why ctnetlink is not used (0 when it is): not loaded (and not loaded by Diag), no CAP_NET_ADMIN…</summary>
    public int NetlinkErrno { get; private set; }

    public bool CanDump => _socket is not null && NetlinkErrno == 0;

    /// <summary>Where the counters come from.</summary>
    public string CounterSource => _socket is not null && NetlinkErrno == 0 ? "ctnetlink" : "/proc/net/stat/nf_conntrack";

    /// <summary>Opens the probe inside <paramref name="ns"/>; returns 0 or the errno of entering it.
    /// <paramref name="useNetlink"/> false keeps to the text file (ctnetlink is a module that is not loaded: asking it
    /// would load it, and Diag changes nothing).</summary>
    public static int TryOpen(NetworkNamespace ns, bool useNetlink, out ConntrackNamespaceProbe? probe)
    {
        int errno = NetworkNamespaceEntry.TryRun(ns, () =>
        {
            var settings = ConntrackSettings.Read();
            NetlinkSocket? socket = null;
            int socketErrno = Errno.EOPNOTSUPP;
            if (settings.Available && useNetlink)
            {
                socketErrno = ConntrackNetlink.TryOpen(out socket);
            }
            var stat = settings.Available ? Libc.OpenHandle(StatPath, Libc.O_RDONLY | Libc.O_CLOEXEC) : null;
            if (stat is { IsInvalid: true })
            {
                stat.Dispose();
                stat = null;
            }
            return new ConntrackNamespaceProbe(ns, settings, socket, socketErrno, stat);
        }, out probe);
        return errno;
    }

    /// <summary>Reads the per-CPU counters and the namespace's entry count now; returns 0 or the errno.</summary>
    public int TryReadCounters(List<ConntrackCpuStatistics> into, out long entries)
    {
        entries = 0;
        if (_socket is not null && NetlinkErrno == 0)
        {
            uint count = 0;
            int errno = ConntrackNetlink.TryReadCpuStatistics(_socket, into);
            if (errno == 0) errno = ConntrackNetlink.TryReadCount(_socket, out count, out _);
            if (errno == 0)
            {
                entries = count;
                return 0;
            }
            // No ctnetlink after all (EOPNOTSUPP, ENOENT), or not allowed (EPERM): the text file says the same.
            NetlinkErrno = errno;
            into.Clear();
        }
        if (_statFile is null) return Errno.ENOENT;
        int read = _reader.ReadOpen(_statFile, out var text);
        if (read != 0) return read;
        return ConntrackStatText.TryParse(text, into, out entries) ? 0 : Errno.EIO;
    }

    /// <summary>Dumps the table into <paramref name="tally"/>; 0, the errno, or ECANCELED.</summary>
    public int TryDump(ConntrackTally tally, CancellationToken cancel) =>
        _socket is null ? NetlinkErrno : ConntrackNetlink.TryDump(_socket, (in ConntrackFlow flow) => tally.Add(flow), cancel);

    public void Dispose()
    {
        _socket?.Dispose();
        _statFile?.Dispose();
        _reader.Dispose();
    }
}
