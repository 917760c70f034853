namespace Diag.Linux.Tracing;

/// <summary>
/// Traces system calls with ptrace, like <c>strace -c</c> (summary) and <c>strace -f -e</c> (events),
/// without the strace binary. Needs Linux 5.3+ (PTRACE_GET_SYSCALL_INFO) on x86_64, and the right to
/// ptrace the target (root, CAP_SYS_PTRACE, or the same user under Yama ptrace_scope 0).
/// </summary>
/// <remarks>
/// <para>Time: each call's duration is the wall time between the tracer seeing its syscall-entry stop
/// and its syscall-exit stop, on CLOCK_MONOTONIC, like <c>strace -c -w</c>. It includes blocking in the
/// call and the stop overhead of the tracer, not the CPU time of the call alone.</para>
/// <para>Safety: one dedicated OS thread makes every ptrace and waitpid call; it waits with __WNOTHREAD,
/// so the host's own child processes are never reaped by the tracer. Attached targets are seized with
/// PTRACE_SEIZE (never PTRACE_O_EXITKILL): when the trace ends for any reason each thread is detached
/// and continues as before, signals sent to it while traced are delivered, and a process stopped by
/// SIGSTOP stays stopped. A launched command is traced from its execve and killed if the trace is
/// stopped before it exits.</para>
/// </remarks>
public static class PtraceSyscallTracer
{
    /// <summary>
    /// Attaches to (or launches) the target and starts tracing. Returns once the target is traced.
    /// Throws <see cref="Ptrace.TargetException"/> when it cannot attach or launch.
    /// </summary>
    public static ISyscallTraceSession Start(TraceTarget target, TraceOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        return PtraceTraceSession.Start(target, options);
    }
}
