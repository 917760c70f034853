using System.Globalization;
using System.Management.Automation;
using Diag.Linux.Ptrace;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors for a process or thread that could not be inspected, traced or launched: one stable id and
/// category per <see cref="TargetFailureReason"/>, the same whichever cmdlet met the target.</summary>
internal static class TargetErrors
{
    /// <param name="e">The engine's refusal.</param>
    /// <param name="target">How to name the target when the engine did not (e.g. a launched command's path).</param>
    public static DiagError From(TargetException e, string? target = null)
    {
        var (id, category) = e.Reason switch
        {
            TargetFailureReason.NotFound => ("TargetNotFound", ErrorCategory.ObjectNotFound),
            TargetFailureReason.Exited => ("TargetExited", ErrorCategory.ObjectNotFound),
            TargetFailureReason.AccessDenied => ("AccessDenied", ErrorCategory.PermissionDenied),
            TargetFailureReason.AlreadyTraced => ("AlreadyTraced", ErrorCategory.ResourceBusy),
            TargetFailureReason.LaunchFailed => ("LaunchFailed", ErrorCategory.ObjectNotFound),
            _ => ("Unsupported", ErrorCategory.NotImplemented),
        };
        return new DiagError(e, id, category,
            e.Target ?? target ?? e.ProcessId?.ToString(CultureInfo.InvariantCulture), e.Remedy);
    }
}
