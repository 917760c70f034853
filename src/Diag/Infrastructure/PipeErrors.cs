using System.Management.Automation;
using Diag.Linux.Pipes;
using Diag.Linux.Ptrace;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of Get-PipePeer for inputs it could not answer.</summary>
internal static class PipeErrors
{
    public static DiagError AccessDenied(int pid) => new(
        new UnauthorizedAccessException($"Not permitted to read the open files of process {pid} (/proc/{pid}/fd)."),
        "AccessDenied", ErrorCategory.PermissionDenied, pid, ProcessAccessAdvice.Remedy(pid));

    public static DiagError InodeNotFound(long inode) => new(
        new ArgumentException($"No process holds a pipe, FIFO or Unix socket with inode {inode}."),
        "InodeNotFound", ErrorCategory.ObjectNotFound, inode,
        "Take the inode from lsof's NODE column or from /proc/PID/fd (pipe:[N], socket:[N]); the last holder may have closed it, " +
        "and a socket of another network namespace is not visible from this one.");

    public static DiagError NotAPipe(OtherDescriptor other) => new(
        new ArgumentException(other.Target == "not open"
            ? $"fd {other.FileDescriptor} of process {other.ProcessId} is not open."
            : $"fd {other.FileDescriptor} of process {other.ProcessId} is not a pipe, FIFO or Unix socket: it is {other.Target}."),
        "NotAPipe", ErrorCategory.InvalidArgument, other.FileDescriptor,
        $"Run Get-PipePeer -Id {other.ProcessId} without -FileDescriptor to see its pipes and sockets.");
}
