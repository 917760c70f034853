using System.Globalization;

namespace Diag.Linux.Memory;

/// <summary>
/// The memory limit that applies to a process's cgroup, its usage and how often the OOM killer acted there.
/// cgroup v2: memory.max (the lowest along the path to the root applies), memory.current, memory.events oom_kill;
/// cgroup v1: memory.limit_in_bytes, memory.usage_in_bytes, memory.oom_control oom_kill. The controller's mount
/// point is read from /proc/self/mountinfo, so hybrid layouts (v1 memory next to a v2 tree) are found.
/// </summary>
internal sealed class CgroupMemory
{
    private CgroupMemory(int version, string path, long? limitBytes, string? limitPath, long? usageBytes, long? oomKills)
    {
        Version = version;
        Path = path;
        LimitBytes = limitBytes;
        LimitPath = limitPath;
        UsageBytes = usageBytes;
        OomKills = oomKills;
    }

    /// <summary>1 or 2.</summary>
    public int Version { get; }

    /// <summary>The process's cgroup, as /proc/PID/cgroup names it.</summary>
    public string Path { get; }

    /// <summary>The lowest limit on the way to the root; null when none is set.</summary>
    public long? LimitBytes { get; }

    /// <summary>The cgroup that sets <see cref="LimitBytes"/>.</summary>
    public string? LimitPath { get; }

    /// <summary>Memory charged to the process's cgroup (page cache included, as the OOM killer counts it).</summary>
    public long? UsageBytes { get; }

    /// <summary>Processes the OOM killer killed in the limiting cgroup (and below it).</summary>
    public long? OomKills { get; }

    /// <summary>Reads the memory cgroup of <paramref name="pid"/> under <paramref name="root"/>; null when the process
    /// has none (no memory controller) or is gone.</summary>
    public static CgroupMemory? Read(string root, int pid)
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
        if (v1Path is not null && v1Mount is not null)
            return ReadV1(root, v1Mount, Relative(v1Root, v1Path), v1Path);
        if (v2Path is not null && v2Mount is not null && File.Exists(Combine(root, v2Mount + "/cgroup.controllers")))
        {
            var controllers = ReadText(Combine(root, v2Mount + "/cgroup.controllers")) ?? "";
            if (controllers.Split(' ', '\n').Contains("memory")) return ReadV2(root, v2Mount, Relative(v2Root, v2Path), v2Path);
        }
        return null;
    }

    private static CgroupMemory ReadV2(string root, string mount, string relative, string path)
    {
        long? limit = null;
        string? limitPath = null;
        // Every ancestor's memory.max applies; the root has none.
        for (var dir = relative; ; dir = Parent(dir))
        {
            if (Number(ReadText(Combine(root, $"{mount}{dir}/memory.max"))) is { } max && (limit is null || max < limit))
            {
                limit = max;
                limitPath = dir.Length == 0 ? "/" : dir;
            }
            if (dir.Length == 0) break;
        }
        var usage = Number(ReadText(Combine(root, $"{mount}{relative}/memory.current")));
        var events = ReadText(Combine(root, $"{mount}{limitPath ?? relative}/memory.events"));
        return new CgroupMemory(2, path, limit, limitPath, usage, Field(events, "oom_kill"));
    }

    private static CgroupMemory ReadV1(string root, string mount, string relative, string path)
    {
        // With use_hierarchy (always on since 5.x) an ancestor's limit applies too.
        long? limit = null;
        string? limitPath = null;
        for (var dir = relative; ; dir = Parent(dir))
        {
            if (Number(ReadText(Combine(root, $"{mount}{dir}/memory.limit_in_bytes"))) is { } max && max < Unlimited && (limit is null || max < limit))
            {
                limit = max;
                limitPath = dir.Length == 0 ? "/" : dir;
            }
            if (dir.Length == 0) break;
        }
        var usage = Number(ReadText(Combine(root, $"{mount}{relative}/memory.usage_in_bytes")));
        var control = ReadText(Combine(root, $"{mount}{limitPath ?? relative}/memory.oom_control"));
        return new CgroupMemory(1, path, limit, limitPath, usage, Field(control, "oom_kill"));
    }

    /// <summary>cgroup v1 writes "no limit" as the largest page-aligned value (9223372036854771712).</summary>
    private const long Unlimited = long.MaxValue - 4096;

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

    private static string Parent(string dir)
    {
        int slash = dir.LastIndexOf('/');
        return slash <= 0 ? "" : dir[..slash];
    }

    private static string Unescape(string field) => field.Replace("\\040", " ", StringComparison.Ordinal);

    private static string Combine(string root, string absolute) => root == "/" ? absolute : root.TrimEnd('/') + absolute;

    private static long? Number(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static long? Field(string? text, string key)
    {
        foreach (var line in (text ?? "").Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key) return Number(parts[1]);
        }
        return null;
    }

    private static string? ReadText(string path)
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
}
