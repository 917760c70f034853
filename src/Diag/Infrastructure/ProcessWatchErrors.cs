using System.Management.Automation;
using Diag.Linux.ProcessEvents;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of Watch-ProcessExec: a watch that cannot start, a user that does not exist.</summary>
internal static class ProcessWatchErrors
{
    public static DiagError CannotStart(ProcessWatchException e) => e.Reason switch
    {
        ProcessWatchFailureReason.AccessDenied => new(e, "ProcessWatchAccessDenied", ErrorCategory.PermissionDenied, null, e.Remedy),
        ProcessWatchFailureReason.Unsupported => new(e, "ProcessWatchUnsupported", ErrorCategory.NotImplemented, null, e.Remedy),
        _ => new(e, "ProcessWatchFailed", ErrorCategory.OperationStopped, null, e.Remedy),
    };

    public static DiagError NoSuchUser(string name) => new(
        new ArgumentException($"There is no user '{name}' in this machine's user database."),
        "NoSuchUser", ErrorCategory.ObjectNotFound, name,
        "Give a user name as id or getent passwd lists it, or a numeric user id (-UserName 0).");

    public static DiagError NoSuchPath(string path) => new(
        new ArgumentException($"-Path {path} names no file: no process can run it until it exists, and a file created later under this name is matched by its path only."),
        "PathNotFound", ErrorCategory.ObjectNotFound, path,
        "Check the path (Get-Command NAME -All lists the programs of that name on PATH), or give a wildcard to match paths as text.");
}
