using System.Globalization;
using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// The network namespaces of the machine by inode, and a way into each: a process in it (its /proc/PID/net files are the
/// namespace's), or, for a namespace no process is in (ip netns add), its bind mount under /run/netns, entered by a
/// short-lived thread with setns (a namespace belongs to a thread: nothing else in this process moves). Also names them
/// for people: host, the ip netns name, or the first process in it. Found by one pass over /proc/*/ns/net, repeated at
/// most every half second when an unknown inode is asked for.
/// </summary>
internal sealed class NamespaceDirectory
{
    private static readonly string[] MountDirectories = ["/run/netns", "/var/run/docker/netns"];
    private static readonly TimeSpan RescanInterval = TimeSpan.FromMilliseconds(500);

    private readonly object _gate = new();
    private readonly Dictionary<uint, Entry> _entries = new();
    private long _lastScan = long.MinValue;

    private sealed record Entry(int? Pid, string? ProcessName, string? MountPath, string? MountName);

    public NamespaceDirectory()
    {
        Own = InodeOf("/proc/self/ns/net") ?? 0;
        Host = InodeOf("/proc/1/ns/net") ?? 0;
    }

    /// <summary>This process's namespace.</summary>
    public uint Own { get; }

    /// <summary>The initial namespace (PID 1's); 0 when it cannot be read.</summary>
    public uint Host { get; }

    /// <summary>Every namespace found.</summary>
    public IReadOnlyCollection<uint> Known
    {
        get
        {
            lock (_gate)
            {
                ScanIfDue(force: _entries.Count == 0);
                return _entries.Keys.ToArray();
            }
        }
    }

    /// <summary>The namespace of process <paramref name="pid"/>; null when it is gone or may not be read.</summary>
    public static uint? OfProcess(int pid) => InodeOf($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/net");

    /// <summary>"host", the ip netns name, or "nginx (1234)"; null when the namespace is not found.</summary>
    public string? NameOf(uint inode)
    {
        if (inode == 0)
            return null;
        if (inode == Host)
            return "host";
        var entry = Find(inode);
        return entry?.MountName ?? (entry?.Pid is { } pid ? $"{entry.ProcessName} ({pid.ToString(CultureInfo.InvariantCulture)})" : null);
    }

    /// <summary>The contents of <c>/proc/net/FILE</c> as namespace <paramref name="inode"/> sees them, for each file; an
    /// element is null when it cannot be read (no such file there, the namespace gone, no right to enter it).</summary>
    public byte[]?[] ReadProcNet(uint inode, params string[] files)
    {
        if (inode == Own || inode == 0)
            return files.Select(f => TryRead("/proc/thread-self/net/" + f)).ToArray();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var entry = Find(inode, rescan: attempt > 0);
            if (entry is null)
                break;
            if (entry.Pid is { } pid && Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)))
                return files.Select(f => TryRead($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/net/{f}")).ToArray();
            if (entry.MountPath is { } mount)
                return ReadInside(mount, files);
        }
        return new byte[]?[files.Length];
    }

    /// <summary>The entry of <paramref name="inode"/>, scanning /proc again (at most every half second) when it is unknown
    /// or <paramref name="rescan"/> says the one known is stale.</summary>
    private Entry? Find(uint inode, bool rescan = false)
    {
        lock (_gate)
        {
            if (!rescan && _entries.TryGetValue(inode, out var entry))
                return entry;
            ScanIfDue(force: _entries.Count == 0);
            return _entries.GetValueOrDefault(inode);
        }
    }

    private void ScanIfDue(bool force)
    {
        var now = Environment.TickCount64;
        if (!force && now - _lastScan < (long)RescanInterval.TotalMilliseconds)
            return;
        _lastScan = now;
        _entries.Clear();
        foreach (var directory in MountDirectories)
        {
            if (!Directory.Exists(directory))
                continue;
            foreach (var path in Directory.EnumerateFiles(directory))
                if (InodeOf(path) is { } inode)
                    _entries.TryAdd(inode, new Entry(null, null, path, Path.GetFileName(path)));
        }
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || OfProcess(pid) is not { } inode)
                continue;
            if (_entries.TryGetValue(inode, out var known) && known.Pid is not null)
                continue; // the lowest PID (the order /proc lists them) names the namespace
            var comm = TryRead(directory + "/comm") is { } bytes ? Encoding.UTF8.GetString(bytes).TrimEnd('\n') : "?";
            _entries[inode] = new Entry(pid, comm, known?.MountPath, known?.MountName);
        }
    }

    /// <summary>Reads the files from a thread that enters the namespace at <paramref name="mount"/> and ends with the read.</summary>
    private static byte[]?[] ReadInside(string mount, string[] files)
    {
        var results = new byte[]?[files.Length];
        var thread = new Thread(() =>
        {
            using var fd = Libc.OpenHandle(mount, Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd.IsInvalid || Libc.SetNs(fd, Libc.CLONE_NEWNET) != 0)
                return;
            for (var i = 0; i < files.Length; i++)
                results[i] = TryRead("/proc/thread-self/net/" + files[i]);
        }) { IsBackground = true, Name = "Diag: /proc/net in another network namespace" };
        thread.Start();
        thread.Join();
        return results;
    }

    private static uint? InodeOf(string path)
    {
        try
        {
            // /proc/PID/ns/net reads "net:[4026531840]"; a bind mount under /run/netns is the namespace file itself.
            var target = new FileInfo(path).LinkTarget;
            if (target is not null)
                return target.StartsWith("net:[", StringComparison.Ordinal) && uint.TryParse(target.AsSpan(5, target.Length - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                    ? inode : null;
            return StatInode(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static unsafe uint? StatInode(string path)
    {
        Libc.Statx statx;
        return Libc.StatxPath(path, Libc.AT_STATX_DONT_SYNC, Libc.STATX_INO, &statx) == 0 ? (uint)statx.Inode : null;
    }

    private static byte[]? TryRead(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
