using System.Management.Automation;
using Diag.Linux.Tracing;

namespace Diag.Commands.Infrastructure;

/// <summary>The error records of Trace-Syscall: one stable id and category per kind of failure.</summary>
internal static class TraceErrors
{
    public static DiagError FromStartFailure(TraceStartException e, TraceTarget target)
    {
        var (id, category) = e.Reason switch
        {
            TraceFailureReason.TargetNotFound => ("TargetNotFound", ErrorCategory.ObjectNotFound),
            TraceFailureReason.TargetExited => ("TargetExited", ErrorCategory.ObjectNotFound),
            TraceFailureReason.AccessDenied => ("AccessDenied", ErrorCategory.PermissionDenied),
            TraceFailureReason.AlreadyTraced => ("AlreadyTraced", ErrorCategory.ResourceBusy),
            TraceFailureReason.LaunchFailed => ("LaunchFailed", ErrorCategory.ObjectNotFound),
            _ => ("Unsupported", ErrorCategory.NotImplemented),
        };
        return new DiagError(e, id, category, target.Describe(), e.Remedy);
    }

    public static DiagError FromTraceFailure(Exception e, TraceTarget target) =>
        new(e, "TraceFailed", ErrorCategory.OperationStopped, target.Describe(),
            "The target was detached. Run the command again; if it repeats, report it with the message above.");
}
