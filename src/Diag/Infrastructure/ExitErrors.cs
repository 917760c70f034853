using System.Management.Automation;
using Diag.Linux.Exits;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of Wait-ProcessExit.</summary>
internal static class ExitErrors
{
    public static DiagError From(ExitWaitItem item) => item.Kind switch
    {
        ExitWaitItemKind.NotAProcess => new(new ArgumentException(item.Message), "NotAProcess", ErrorCategory.InvalidArgument, item.ProcessId,
            "Wait for the thread's process: Get-ThreadCpu shows its ProcessId."),
        ExitWaitItemKind.StillRunning => new(new TimeoutException(item.Message), "ProcessNotTerminated", ErrorCategory.OperationTimeout, item.ProcessId,
            "Wait longer (-Timeout), or without -Timeout until it exits; Ctrl+C stops the wait."),
        _ => new(new InvalidOperationException(item.Message), "ProcessExitedBeforeWait", ErrorCategory.ObjectNotFound, item.ProcessId,
            "Start Wait-ProcessExit before the process can exit; only its parent could still know how it ended (and a core file or the journal, if it crashed)."),
    };
}
