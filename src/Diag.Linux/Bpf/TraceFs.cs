using System.Globalization;

namespace Diag.Linux.Bpf;

/// <summary>
/// Where tracefs is mounted and what it says about classic tracepoints: a tracepoint's perf event is opened by
/// the numeric id in <c>events/CATEGORY/NAME/id</c>, which only tracefs publishes (not BTF, not sysfs). Current
/// systems mount it at /sys/kernel/tracing, older ones under debugfs at /sys/kernel/debug/tracing; some
/// (minimal VMs, containers) at neither. Raw tracepoints, tp_btf and fentry need none of this.
/// </summary>
internal static class TraceFs
{
    /// <summary>The places tracefs is looked for, in order, relative to the root.</summary>
    public static readonly IReadOnlyList<string> MountPoints = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];

    /// <summary>The tracefs directory under <paramref name="root"/> (one with an events directory), or null.</summary>
    public static string? Find(string root = "/")
    {
        foreach (var mountPoint in MountPoints)
        {
            var directory = Under(root, mountPoint);
            if (Directory.Exists(Path.Combine(directory, "events")))
                return directory;
        }
        return null;
    }

    /// <summary>The perf event id of tracepoint <paramref name="category"/>:<paramref name="name"/> (e.g.
    /// syscalls:sys_enter_openat). Throws <see cref="BpfFeatureUnavailableException"/> saying what is missing:
    /// tracefs, the tracepoint, or the permission to read it.</summary>
    public static int TracepointId(string category, string name, string root = "/")
    {
        var directory = Find(root) ?? throw new BpfFeatureUnavailableException(
            $"tracefs is not mounted (neither {string.Join(" nor ", MountPoints.Select(m => Under(root, m)))} has an events directory), " +
            $"and the tracepoint {category}:{name} is attached by the id tracefs publishes in events/{category}/{name}/id",
            $"mount it: mount -t tracefs nodev {Under(root, MountPoints[0])} (or add that line to /etc/fstab); " +
            "or attach to the raw tracepoint, which needs no tracefs");
        var path = Path.Combine(directory, "events", category, name, "id");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BpfFeatureUnavailableException(
                $"this kernel has no tracepoint {category}:{name} ({path} does not exist)",
                $"look for it in {Path.Combine(directory, "available_events")}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new BpfFeatureUnavailableException(
                $"this user may not read {path} (tracefs is readable by root only)", "run as root", e);
        }
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            throw new InvalidDataException($"{path} does not hold a tracepoint id: '{text.Trim()}'");
        return id;
    }

    private static string Under(string root, string path) => root == "/" ? path : Path.Join(root, path);
}
