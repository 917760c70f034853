using System.Management.Automation;
using Diag.Linux.Memory;

namespace Diag.Commands.Infrastructure;

/// <summary>The errors of Get-ProcessMemoryMap: one per process whose map could not be read.</summary>
internal static class MemoryErrors
{
    public static DiagError From(MemoryMapProblem problem) => problem.Kind switch
    {
        MemoryMapProblemKind.AccessDenied => new(new UnauthorizedAccessException(problem.Message), "AccessDenied", ErrorCategory.PermissionDenied, problem.ProcessId, problem.Remedy),
        MemoryMapProblemKind.NoUserMemory => new(new InvalidOperationException(problem.Message), "NoUserMemory", ErrorCategory.InvalidOperation, problem.ProcessId, problem.Remedy),
        _ => new(new InvalidOperationException(problem.Message), "ProcessExited", ErrorCategory.ObjectNotFound, problem.ProcessId, problem.Remedy),
    };
}
