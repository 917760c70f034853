using System.Management.Automation;
using Diag.Linux.Tracing;

namespace Diag.Commands.Infrastructure;

/// <summary>The error records of Trace-Syscall for a trace that started and then failed (a target's refusal to start
/// is a <see cref="TargetErrors"/> error).</summary>
internal static class TraceErrors
{
    public static DiagError UnknownSyscall(ArgumentException e, string[] filter) => new(e, "UnknownSyscall", ErrorCategory.InvalidArgument, filter,
        "Use a syscall name (tab completion lists them), a wildcard, or a class: file, network, memory, process, signal, ipc, desc, clock, creds.");

    public static DiagError FromTraceFailure(Exception e, TraceTarget target) =>
        new(e, "TraceFailed", ErrorCategory.OperationStopped, target.Describe(),
            "The target was detached. Run the command again; if it repeats, report it with the message above.");
}
