using System.Management.Automation;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of Get-ProcessLimit.</summary>
internal static class LimitErrors
{
    /// <summary>A process whose limits could not be read: it exited, or is a zombie.</summary>
    public static DiagError Unreadable(int pid, string problem) => problem.Contains("zombie", StringComparison.Ordinal)
        ? new(new InvalidOperationException(problem), "ProcessIsZombie", ErrorCategory.InvalidOperation, pid,
            "A zombie's limits no longer apply. Wait-ProcessExit -Id " + pid + " reads its exit status.")
        : new(new InvalidOperationException(problem), "ProcessExited", ErrorCategory.ObjectNotFound, pid, "Nothing to read: the process is gone.");
}
