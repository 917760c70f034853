using System.Management.Automation;
using Diag.Linux.Interop;

namespace Diag.Commands.Infrastructure;

/// <summary>
/// One error a Diag cmdlet reports: a stable id (the FullyQualifiedErrorId starts with it), a
/// category, the input it concerns, and what the user should do about it.
/// </summary>
public sealed record DiagError(Exception Exception, string ErrorId, ErrorCategory Category, object? Target, string? RecommendedAction = null)
{
    public ErrorRecord ToErrorRecord()
    {
        var record = new ErrorRecord(Exception, ErrorId, Category, Target);
        if (RecommendedAction is not null)
            record.ErrorDetails = new ErrorDetails(Exception.Message) { RecommendedAction = RecommendedAction };
        return record;
    }

    /// <summary>The category that matches a failed system call's errno.</summary>
    public static ErrorCategory CategoryOf(int errno) => errno switch
    {
        Errno.EPERM or Errno.EACCES => ErrorCategory.PermissionDenied,
        Errno.ESRCH or Errno.ENOENT or Errno.ECHILD => ErrorCategory.ObjectNotFound,
        Errno.EBUSY or Errno.EAGAIN => ErrorCategory.ResourceBusy,
        Errno.EINVAL or Errno.EFAULT => ErrorCategory.InvalidArgument,
        Errno.ENOSYS => ErrorCategory.NotImplemented,
        Errno.ENOMEM => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.OperationStopped,
    };

    /// <summary>An error for a failed system call: id <c>{prefix},{ERRNO}</c>, category from the errno.</summary>
    public static DiagError FromSyscall(SyscallException e, string idPrefix, object? target, string? recommendedAction = null) =>
        new(e, idPrefix + "," + e.ErrnoName, CategoryOf(e.Errno), target, recommendedAction);
}
