using System.Globalization;

namespace Diag.Linux.ProcFs;

/// <summary>
/// Where a process's cgroups are on this machine: its memory-controller cgroup of a v1 hierarchy and its cgroup of the
/// v2 hierarchy, as /proc/PID/cgroup names them, located under the cgroup mounts of /proc/self/mountinfo. Hybrid layouts
/// (a v1 memory hierarchy next to a v2 tree at /sys/fs/cgroup/unified, which still carries each cgroup's pressure files)
/// are found too, and inside a container, whose mounts' root is the container's own cgroup, paths are made relative to
/// it. Everything is read under a root path so that tests can point it at a fixture tree.
/// </summary>
internal sealed class CgroupLocation
{
    private CgroupLocation(CgroupDirectory? memoryV1, CgroupDirectory? v2, bool v2HasMemory, bool v1MemoryMounted)
    {
        MemoryV1 = memoryV1;
        V2 = v2;
        V2HasMemoryController = v2HasMemory;
        V1MemoryMounted = v1MemoryMounted;
    }

    /// <summary>The process's cgroup in the v1 memory hierarchy; null when it has none or the hierarchy is not mounted.</summary>
    public CgroupDirectory? MemoryV1 { get; }

    /// <summary>The process's cgroup in the v2 hierarchy; null when it has none or it is not mounted.</summary>
    public CgroupDirectory? V2 { get; }

    /// <summary>The v2 hierarchy has the memory controller (memory.max, memory.current, memory.events...).</summary>
    public bool V2HasMemoryController { get; }

    /// <summary>A v1 hierarchy with the memory controller is mounted (then the v2 tree, if any, has no memory files).</summary>
    public bool V1MemoryMounted { get; }

    /// <summary>The memory controller's cgroup: v1 where the v1 memory hierarchy is mounted, else v2 when it has the
    /// controller; null when the process's memory is not in a memory cgroup.</summary>
    public CgroupDirectory? Memory => MemoryV1 ?? (V2HasMemoryController ? V2 : null);

    /// <summary>Reads where <paramref name="pid"/>'s cgroups are; null when the process is gone or /proc/self/mountinfo
    /// cannot be read.</summary>
    public static CgroupLocation? Read(string root, int pid)
    {
        var cgroup = ReadText(Combine(root, $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cgroup"));
        var mountInfo = ReadText(Combine(root, "/proc/self/mountinfo"));
        if (cgroup is null || mountInfo is null) return null;
        string? v1Path = null, v2Path = null;
        foreach (var line in cgroup.Split('\n'))
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            if (parts[0] == "0" && parts[1].Length == 0) v2Path = parts[2];
            else if (parts[1].Split(',').Contains("memory")) v1Path = parts[2];
        }
        var (v1Mount, v1Root, v2Mount, v2Root) = Mounts(mountInfo);
        CgroupDirectory? memoryV1 = v1Path is not null && v1Mount is not null ? new CgroupDirectory(v1Mount, Relative(v1Root, v1Path), v1Path) : null;
        CgroupDirectory? v2 = v2Path is not null && v2Mount is not null ? new CgroupDirectory(v2Mount, Relative(v2Root, v2Path), v2Path) : null;
        var v2HasMemory = v2Mount is not null
            && (ReadText(Combine(root, v2Mount + "/cgroup.controllers")) ?? "").Split(' ', '\n').Contains("memory");
        return new CgroupLocation(memoryV1, v2, v2HasMemory, v1Mount is not null);
    }

    /// <summary><paramref name="absolute"/> under <paramref name="root"/> ("/" leaves it as it is).</summary>
    public static string Combine(string root, string absolute) => root == "/" ? absolute : root.TrimEnd('/') + absolute;

    /// <summary>A file's text; null when it cannot be read (gone, no permission, not there).</summary>
    public static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static (string? V1Mount, string V1Root, string? V2Mount, string V2Root) Mounts(string mountInfo)
    {
        string? v1 = null, v2 = null;
        string v1Root = "/", v2Root = "/";
        foreach (var line in mountInfo.Split('\n'))
        {
            // "36 25 0:31 / /sys/fs/cgroup/memory rw,relatime shared:14 - cgroup cgroup rw,memory"
            int dash = line.IndexOf(" - ", StringComparison.Ordinal);
            if (dash < 0) continue;
            var left = line[..dash].Split(' ');
            var right = line[(dash + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3) continue;
            if (right[0] == "cgroup2" && v2 is null) { v2 = Unescape(left[4]); v2Root = Unescape(left[3]); }
            else if (right[0] == "cgroup" && right[2].Split(',').Contains("memory") && v1 is null) { v1 = Unescape(left[4]); v1Root = Unescape(left[3]); }
        }
        return (v1, v1Root, v2, v2Root);
    }

    /// <summary>A cgroup path made relative to the mount's root (inside a container the mount's root is the container's cgroup).</summary>
    private static string Relative(string mountRoot, string path)
    {
        if (mountRoot == "/") return path == "/" ? "" : path;
        if (path.StartsWith(mountRoot, StringComparison.Ordinal)) path = path[mountRoot.Length..];
        return path == "/" ? "" : path;
    }

    private static string Unescape(string field) => field.Replace("\\040", " ", StringComparison.Ordinal);
}

/// <summary>One cgroup: the hierarchy's mount point, the cgroup's directory below it ("" for the mount's root) and the
/// path /proc/PID/cgroup gives.</summary>
internal readonly record struct CgroupDirectory(string Mount, string Relative, string Path)
{
    /// <summary>The root of its hierarchy (as this process sees it: a container's own cgroup inside one).</summary>
    public bool IsRoot => Relative.Length == 0;

    /// <summary>The directory under <paramref name="root"/>.</summary>
    public string Directory(string root) => CgroupLocation.Combine(root, Mount + Relative);

    /// <summary>A file of this cgroup under <paramref name="root"/>.</summary>
    public string File(string root, string name) => Directory(root) + "/" + name;

    /// <summary>The parent cgroup; null at the root.</summary>
    public CgroupDirectory? Parent()
    {
        if (IsRoot) return null;
        int slash = Relative.LastIndexOf('/');
        var relative = slash <= 0 ? "" : Relative[..slash];
        int pathSlash = Path.LastIndexOf('/');
        return new CgroupDirectory(Mount, relative, pathSlash <= 0 ? "/" : Path[..pathSlash]);
    }

    /// <summary>This cgroup and its ancestors up to the root of the hierarchy, nearest first.</summary>
    public IEnumerable<CgroupDirectory> SelfAndAncestors()
    {
        for (CgroupDirectory? dir = this; dir is { } d; dir = d.Parent())
            yield return d;
    }
}
