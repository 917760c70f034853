namespace Diag.Linux.Tracing;

/// <summary>Why a trace could not start.</summary>
public enum TraceFailureReason
{
    /// <summary>The process or thread does not exist (or is not what was asked for).</summary>
    TargetNotFound,

    /// <summary>It has exited and waits for its parent to collect its status (a zombie): nothing to trace.</summary>
    TargetExited,

    /// <summary>No permission to trace it: not root, no CAP_SYS_PTRACE, Yama ptrace_scope, a setuid target.</summary>
    AccessDenied,

    /// <summary>Another tracer (gdb, strace, a debugger) already traces it.</summary>
    AlreadyTraced,

    /// <summary>The command to launch could not be started (not found, not executable, bad working directory).</summary>
    LaunchFailed,

    /// <summary>This kernel, architecture or target cannot be traced (kernel older than 5.3, kernel thread, the tracer itself).</summary>
    Unsupported,
}
