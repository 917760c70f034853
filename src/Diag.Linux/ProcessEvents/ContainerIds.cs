using System.Text.RegularExpressions;

namespace Diag.Linux.ProcessEvents;

/// <summary>
/// The container a cgroup path belongs to, as the runtimes name their cgroups: docker-ID.scope and /docker/ID
/// (Docker), cri-containerd-ID.scope (containerd's CRI), crio-ID.scope (CRI-O), libpod-ID.scope (Podman), and the
/// ID as the last component under kubepods (cgroupfs driver). The id is the runtime's 64 hex digits.
/// </summary>
internal static partial class ContainerIds
{
    [GeneratedRegex(@"(?:^|/)(?:docker-|cri-containerd-|crio-|libpod-|containerd-)?([0-9a-f]{64})(?:\.scope)?(?:/|$)", RegexOptions.CultureInvariant)]
    private static partial Regex Id();

    /// <summary>The innermost container id in <paramref name="cgroupPath"/>; null when it names none.</summary>
    public static string? FromCgroup(string? cgroupPath)
    {
        if (cgroupPath is null)
            return null;
        string? found = null;
        foreach (Match match in Id().Matches(cgroupPath))
            found = match.Groups[1].Value;
        return found;
    }
}
