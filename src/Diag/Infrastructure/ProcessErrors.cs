using System.Management.Automation;
using Diag.Linux.Interop;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of cmdlets that select processes by -Id or -Name, worded as Get-Process words them.</summary>
internal static class ProcessErrors
{
    /// <param name="pid">The process asked for.</param>
    /// <param name="alternative">What the cmdlet does without -Id, when that is worth saying.</param>
    public static DiagError ProcessNotFound(int pid, string? alternative = null) => new(
        new ArgumentException($"Cannot find a process with the process identifier {pid}."),
        "ProcessNotFound", ErrorCategory.ObjectNotFound, pid,
        "Check the process ID with Get-Process; inside a container, use the host's process ID." + (alternative is null ? "" : " " + alternative));

    /// <param name="name">The name asked for (without wildcards: a pattern that matches nothing is no error).</param>
    /// <param name="alternative">What the cmdlet does without -Name, when that is worth saying.</param>
    public static DiagError NoProcessForName(string name, string? alternative = null) => new(
        new ArgumentException($"Cannot find a process with the name \"{name}\". Verify the process name and call the cmdlet again."),
        "NoProcessFoundForGivenName", ErrorCategory.ObjectNotFound, name,
        // The first position is the name, as for Get-Process: a bare number there was most likely meant as an ID.
        (name.Length > 0 && name.All(char.IsAsciiDigit) ? $"A process ID goes to -Id: -Id {name}. " : "") +
        "List the running processes with Get-Process, or use a wildcard (-Name 'nginx*')." + (alternative is null ? "" : " " + alternative));

    /// <summary>The terminating error when /proc itself cannot be opened.</summary>
    public static ErrorRecord ProcFsUnavailable(SyscallException e) =>
        DiagError.FromSyscall(e, "ProcFsUnavailable", "/proc", "Mount procfs on /proc (mount -t proc proc /proc).").ToErrorRecord();
}
