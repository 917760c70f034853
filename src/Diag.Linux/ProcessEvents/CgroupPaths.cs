using System.Diagnostics;
using Diag.Linux.Interop;

namespace Diag.Linux.ProcessEvents;

/// <summary>
/// Names cgroup v2 ids (what bpf_get_current_cgroup_id returns: the inode number of the cgroup's directory) by
/// walking the unified hierarchy's mount, and names the container a cgroup belongs to. A cgroup created after the
/// last walk is found by walking again, at most once a second, so a burst of new containers costs one walk.
/// </summary>
internal sealed unsafe class CgroupPaths
{
    private static readonly TimeSpan RescanInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<ulong, string> _byId = new();
    private readonly string? _mount;
    private long _lastScan = long.MinValue;

    public CgroupPaths(string? mount = null)
    {
        _mount = mount ?? UnifiedMount();
        if (_mount is not null)
            Scan();
    }

    /// <summary>Where cgroup2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on hybrid systems); null without one.</summary>
    public string? Mount => _mount;

    /// <summary>The cgroup's path from the hierarchy's root (<c>/system.slice/cron.service</c>); null when unknown.</summary>
    public string? PathOf(ulong id)
    {
        if (id == 0 || _mount is null)
            return null;
        if (_byId.TryGetValue(id, out var path))
            return path;
        if (Stopwatch.GetElapsedTime(_lastScan) >= RescanInterval)
        {
            Scan();
            if (_byId.TryGetValue(id, out path))
                return path;
        }
        return null;
    }

    /// <summary>The id of the cgroup at <paramref name="path"/> (from the hierarchy's root); 0 when unknown.</summary>
    public ulong IdOf(string path)
    {
        if (_mount is null)
            return 0;
        var id = InodeOf(path == "/" ? _mount : _mount + path);
        if (id != 0)
            _byId[id] = path;
        return id;
    }

    private void Scan()
    {
        _lastScan = Stopwatch.GetTimestamp();
        var pending = new Stack<string>();
        pending.Push(_mount!);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            var inode = InodeOf(directory);
            if (inode != 0)
            {
                var relative = directory.Length == _mount!.Length ? "/" : directory[_mount.Length..];
                _byId[inode] = relative;
            }
            try
            {
                foreach (var child in Directory.EnumerateDirectories(directory))
                    pending.Push(child);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // removed meanwhile, or not ours to read
            }
        }
    }

    private static ulong InodeOf(string path)
    {
        Libc.Statx st;
        return Libc.StatxPath(path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_INO, &st) == 0 ? st.Inode : 0;
    }

    /// <summary>The cgroup2 mount point from /proc/self/mountinfo (field 5 of the line whose type after " - " is cgroup2).</summary>
    internal static string? UnifiedMount()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            {
                var separator = line.IndexOf(" - ", StringComparison.Ordinal);
                if (separator < 0 || !line.AsSpan(separator + 3).StartsWith("cgroup2 ", StringComparison.Ordinal))
                    continue;
                var fields = line[..separator].Split(' ');
                if (fields.Length > 4)
                    return Unescape(fields[4]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as octal (\040).</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
            return field;
        var text = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && field[(i + 1)..(i + 4)].All(c => c is >= '0' and <= '7'))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }
}
