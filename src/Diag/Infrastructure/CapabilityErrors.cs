using System.Management.Automation;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of Get-FileCapability and Get-ProcessCapability.</summary>
internal static class CapabilityErrors
{
    public static DiagError UnknownCapability(string name) => new(
        new ArgumentException($"No capability is called '{name}'."),
        "UnknownCapability", ErrorCategory.InvalidArgument, name,
        "Use a name from man 7 capabilities, as getcap or capsh write it (cap_net_raw) or without its prefix (NET_RAW); Tab completes them.");

    public static DiagError PathNotFound(string path) => new(
        new ItemNotFoundException($"Cannot find path '{path}'."),
        "PathNotFound", ErrorCategory.ObjectNotFound, path, "Check the path; wildcards (/usr/bin/*) and -Recurse read many files at once.");

    public static DiagError Unreadable(string path, string message) => new(
        new UnauthorizedAccessException(message),
        "CapabilitiesUnreadable", ErrorCategory.ReadError, path,
        "Run as the file's owner or as root; an unreadable directory's files cannot be listed either.");

    public static DiagError NotAFileSystemPath(string path, string provider) => new(
        new ArgumentException($"'{path}' is a {provider} path, not a file: Get-FileCapability reads files."),
        "NotAFileSystemPath", ErrorCategory.InvalidArgument, path, "Give a file system path such as /usr/bin/ping.");
}
