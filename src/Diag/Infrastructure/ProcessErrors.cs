using System.Management.Automation;
using Diag.Linux.Interop;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of cmdlets that select processes by -Id or -Name, worded as Get-Process words them.</summary>
internal static class ProcessErrors
{
    public static DiagError ProcessNotFound(int pid) => new(
        new ArgumentException($"Cannot find a process with the process identifier {pid}."),
        "ProcessNotFound", ErrorCategory.ObjectNotFound, pid,
        "Check the process ID with Get-Process; inside a container, use the host's process ID.");

    public static DiagError NoProcessForName(string name) => new(
        new ArgumentException($"Cannot find a process with the name \"{name}\". Verify the process name and call the cmdlet again."),
        "NoProcessFoundForGivenName", ErrorCategory.ObjectNotFound, name);

    /// <summary>The terminating error when /proc itself cannot be opened.</summary>
    public static ErrorRecord ProcFsUnavailable(SyscallException e) =>
        DiagError.FromSyscall(e, "ProcFsUnavailable", "/proc", "Mount procfs on /proc (mount -t proc proc /proc).").ToErrorRecord();
}
