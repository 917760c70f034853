using System.Management.Automation;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of Get-FileOrigin and Test-PackageIntegrity.</summary>
internal static class FileOriginErrors
{
    /// <param name="path">The full path looked up.</param>
    /// <param name="given">What the user typed: a bare name there was most likely meant as a command.</param>
    public static DiagError PathNotFound(string path, string? given = null) => new(
        new ItemNotFoundException($"Cannot find path '{path}': it is not on disk and no installed package lists it."),
        "PathNotFound", ErrorCategory.ObjectNotFound, path,
        given is not null && !given.Contains('/')
            ? $"For the command {given} on PATH: Get-FileOrigin -Command {given}; for a running {given}: Get-Process {given} | Get-FileOrigin."
            : "Check the path. For a command on PATH use -Command NAME; for a running program use -Name or -Id (or Get-Process NAME | Get-FileOrigin).");

    public static DiagError WildcardMatchedNothing(string pattern) => new(
        new ItemNotFoundException($"Cannot find path '{pattern}': no file matches it."),
        "PathNotFound", ErrorCategory.ObjectNotFound, pattern,
        "Check the pattern, or give a literal path with -LiteralPath to look up a packaged file that is missing from disk.");

    public static DiagError NotAFileSystemPath(string path, string provider) => new(
        new ArgumentException($"'{path}' is a {provider} path, not a file: Get-FileOrigin looks up files."),
        "NotAFileSystemPath", ErrorCategory.InvalidArgument, path,
        "Give a file system path (/usr/bin/atd), a command name with -Command, or a process.");

    public static DiagError CommandNotFound(string name, string path) => new(
        new ItemNotFoundException($"No executable named '{name}' is on PATH ({path})."),
        "CommandNotFound", ErrorCategory.ObjectNotFound, name,
        "Check the name, or look the file up by its path: Get-FileOrigin /usr/sbin/" + name + ". A command found only as root may be in /usr/sbin or /sbin, which a user's PATH may lack.");

    public static DiagError ProcessAccessDenied(int pid, string message) => new(
        new UnauthorizedAccessException(message),
        "AccessDenied", ErrorCategory.PermissionDenied, pid,
        "Run as root or as the process's owner: which program another user's process runs needs CAP_SYS_PTRACE to read.");

    public static DiagError NoProgram(int pid, string message) => new(
        new InvalidOperationException(message),
        "NoProgramFile", ErrorCategory.InvalidOperation, pid,
        "Kernel threads run no program, and a zombie has released its own: nothing to look up. Its parent's program may be what you want (Get-Process -Id PPID | Get-FileOrigin).");

    public static DiagError NoPackage(string name) => new(
        new ArgumentException($"No installed package is named '{name}'."),
        "NoPackageFoundForGivenName", ErrorCategory.ObjectNotFound, name,
        "List the names with Get-FileOrigin on one of its files, or use a wildcard (-Package 'libc6*').");
}
