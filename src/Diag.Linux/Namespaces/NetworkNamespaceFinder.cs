using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Namespaces;

/// <summary>
/// Finds the machine's network namespaces: those of processes (<c>/proc/PID/ns/net</c>) and those kept by a bind mount
/// under /run/netns (<c>ip netns add</c>, which may hold no process at all). A namespace kept only by an open
/// descriptor or a bind mount elsewhere is not found (give its path to look at it). Other users' processes cannot
/// be read without root: they are counted in <see cref="UnreadableProcesses"/>.
/// </summary>
internal sealed class NetworkNamespaceFinder
{
    public const string NamedNamespaceDirectory = "/run/netns";

    private readonly Dictionary<ulong, NetworkNamespace> _byInode = new();

    private NetworkNamespaceFinder()
    {
    }

    /// <summary>NET_NS_INIT_INO (linux/nsfs.h): init_net's inode since Linux 6.18; dynamic before.</summary>
    public const ulong InitialNamespaceInode = 0xEFFFFFF9;

    /// <summary>Every namespace found, the caller's own first, then by inode.</summary>
    public IReadOnlyList<NetworkNamespace> All =>
        _byInode.Values.OrderByDescending(n => n.IsOwn).ThenByDescending(n => n.IsInitial).ThenBy(n => n.Inode).ToList();

    /// <summary>The calling thread's namespace.</summary>
    public NetworkNamespace Own { get; private set; } = null!;

    /// <summary>The device of nsfs, where every namespace file lives: a path elsewhere is not a namespace.</summary>
    public ulong NamespaceDevice { get; private set; }

    /// <summary>Processes whose namespace could not be read (another user's, without root).</summary>
    public int UnreadableProcesses { get; private set; }

    public NetworkNamespace? Find(ulong inode) => _byInode.GetValueOrDefault(inode);

    /// <summary>Walks /proc and /run/netns.</summary>
    public static NetworkNamespaceFinder Scan()
    {
        var finder = new NetworkNamespaceFinder();
        using var reader = new ProcFileReader();
        var own = Identify("/proc/thread-self/ns/net") ?? throw new SyscallException("statx", Libc.LastErrno, "/proc/thread-self/ns/net");
        finder.Own = finder.Add(own.Inode, "/proc/thread-self/ns/net");
        finder.Own.IsOwn = true;
        finder.NamespaceDevice = own.Device;
        finder.ScanProcesses(reader);
        finder.ScanNamed(own.Device);
        // The own namespace is entered by nobody: its path is only for remedies, and /proc/thread-self means nothing there.
        if (finder.Own.ProcessId is { } pid) finder.Own.OpenPath = $"/proc/{pid}/ns/net";
        return finder;
    }

    /// <summary>The inode of the calling thread's network namespace, or null.</summary>
    public static ulong? OwnInode() => Identify("/proc/thread-self/ns/net")?.Inode;

    /// <summary>The inode a namespace file or bind mount refers to (statx follows the magic link) and the device it is on
    /// (nsfs for a namespace), or null.</summary>
    public static unsafe (ulong Inode, ulong Device)? Identify(string path)
    {
        Libc.Statx statx;
        return Libc.StatxPath(path, 0, Libc.STATX_INO, &statx) == 0
            ? (statx.Inode, (ulong)statx.DevMajor << 32 | statx.DevMinor)
            : null;
    }

    /// <summary>Parses "net:[4026531840]".</summary>
    public static bool TryParseLink(ReadOnlySpan<byte> link, out ulong inode)
    {
        inode = 0;
        if (link.Length < 7 || !link.StartsWith("net:["u8) || link[^1] != (byte)']') return false;
        return System.Buffers.Text.Utf8Parser.TryParse(link[5..^1], out inode, out int used) && used == link.Length - 6;
    }

    private void ScanProcesses(ProcFileReader reader)
    {
        using var proc = reader.OpenDirectory("/proc", out int errno) ?? throw new SyscallException("open", errno, "/proc");
        var pids = new List<int>();
        errno = reader.ListNumericEntries(proc, pids);
        if (errno != 0) throw new SyscallException("getdents64", errno, "/proc");
        pids.Sort();
        foreach (int pid in pids)
        {
            errno = reader.ReadLink(proc, pid, "ns/net"u8, out var link);
            if (errno != 0)
            {
                // ENOENT: gone since the listing; EACCES: another user's process (ptrace access mode).
                if (errno is Errno.EACCES or Errno.EPERM) UnreadableProcesses++;
                continue;
            }
            if (!TryParseLink(link, out ulong inode)) continue;
            var ns = Add(inode, $"/proc/{pid}/ns/net");
            // Kernel threads live in the initial namespace, and kthreadd is PID 2 unless this is a container's PID
            // namespace (where the host's namespace is out of sight anyway). PID 1 may be a container's init.
            if (pid == 2 && reader.Read(proc, pid, "comm"u8, out var kthreadd) == 0 && kthreadd.SequenceEqual("kthreadd\n"u8)) ns.IsInitial = true;
            ns.ProcessCount++;
            if (ns.ProcessId is not null) continue;
            ns.ProcessId = pid;
            ns.ProcessName = reader.Read(proc, pid, "comm"u8, out var comm) == 0 ? Encoding.UTF8.GetString(comm).TrimEnd('\n') : null;
            if (!ns.IsOwn && ns.Name is null) ns.OpenPath = $"/proc/{pid}/ns/net";
        }
    }

    private void ScanNamed(ulong namespaceDevice)
    {
        string[] names;
        try
        {
            names = Directory.GetFiles(NamedNamespaceDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // no /run/netns: nothing was made with ip netns add
        }
        foreach (var path in names.Order(StringComparer.Ordinal))
        {
            // A name left behind without its bind mount is an empty file on tmpfs, not on nsfs: not a namespace.
            if (Identify(path) is not { } found || found.Device != namespaceDevice) continue;
            var ns = Add(found.Inode, path);
            ns.Name ??= Path.GetFileName(path);
            if (!ns.IsOwn) ns.OpenPath = path;
        }
    }

    private NetworkNamespace Add(ulong inode, string openPath)
    {
        if (_byInode.TryGetValue(inode, out var ns)) return ns;
        // Since Linux 6.18 the initial namespace has a fixed inode (NET_NS_INIT_INO), which no other can have (others are
        // numbered from 0xF0000000): it is the host's even to a user who cannot read kthreadd's namespace link.
        ns = new NetworkNamespace(inode, openPath) { IsInitial = inode == InitialNamespaceInode };
        _byInode[inode] = ns;
        return ns;
    }
}
