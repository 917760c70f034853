using System.Management.Automation;
using Diag.Linux.Interop;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of cmdlets that take -NetworkNamespace (Test-ConntrackCapacity, Get-NetNeighbor).</summary>
internal static class NetworkNamespaceErrors
{
    /// <param name="spec">What the user typed.</param>
    /// <param name="reason">Why it matched nothing.</param>
    public static DiagError NotFound(string spec, string reason) => new(
        new ArgumentException($"No network namespace '{spec}': {reason}."),
        "NetworkNamespaceNotFound", ErrorCategory.ObjectNotFound, spec,
        "Give an inode (4026532239 or net:[4026532239], as ls -l /proc/PID/ns/net shows), an ip netns name, a namespace file's path (/proc/PID/ns/net), or All.");

    /// <param name="target">The namespace, as label and inode.</param>
    /// <param name="errno">Why setns failed.</param>
    public static DiagError NotEntered(string target, int errno) => new(
        new UnauthorizedAccessException($"Cannot enter network namespace {target}: {Errno.GetDescription(errno)} ({Errno.GetName(errno)})."),
        "NetworkNamespaceNotEntered," + Errno.GetName(errno), DiagError.CategoryOf(errno), target,
        errno is Errno.EPERM or Errno.EACCES
            ? "Reading another network namespace means entering it (setns), which needs root or CAP_SYS_ADMIN: run as root, or run Diag inside that namespace (ip netns exec NAME pwsh, nsenter --net=PATH pwsh)."
            : null);

    /// <summary>The warning for namespaces that "All" found but could not enter.</summary>
    public static string Skipped(int count, string which, int errno) =>
        $"{count} network namespace(s) could not be entered ({Errno.GetName(errno)}) and were left out: {which}. " +
        (errno is Errno.EPERM or Errno.EACCES ? "Entering another namespace needs root or CAP_SYS_ADMIN." : "");
}
