namespace Diag.Linux.Ptrace;

/// <summary>Why a process or thread could not be inspected, traced or launched.</summary>
public enum TargetFailureReason
{
    /// <summary>The process or thread does not exist (or is not what was asked for).</summary>
    NotFound,

    /// <summary>It has exited and waits for its parent to collect its status (a zombie): nothing is left to read.</summary>
    Exited,

    /// <summary>No permission: not root, no CAP_SYS_PTRACE, Yama ptrace_scope, a security module, a setuid target.</summary>
    AccessDenied,

    /// <summary>Another tracer (gdb, strace, a debugger) already traces it.</summary>
    AlreadyTraced,

    /// <summary>The command to launch could not be started (not found, not executable, bad working directory).</summary>
    LaunchFailed,

    /// <summary>This kernel, architecture or target cannot be handled (kernel older than 5.3, kernel thread, this process itself).</summary>
    Unsupported,
}
