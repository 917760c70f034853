using Diag.Linux.Tracing.Kernel;

namespace Diag.Linux.Tracing;

/// <summary>
/// Counts system calls in the kernel, like bcc's <c>syscount</c>: small eBPF programs (hand-written
/// bytecode, loaded through bpf(2); no compiler, library or tracefs needed) on the raw_syscalls:sys_enter
/// and sys_exit raw tracepoints count each call of the target, its errno and (by default) its duration in
/// BPF maps, which are read once when the trace ends. The target is never stopped: a call costs it a few
/// hundred nanoseconds instead of two ptrace stops.
/// </summary>
/// <remarks>
/// <para>Needs x86_64, Linux 4.17+ (raw tracepoints; 5.5+ is tested), root or CAP_BPF + CAP_PERFMON
/// (5.8+), and the host's PID namespace. Following forks needs the kernel's BTF (/sys/kernel/btf/vmlinux).</para>
/// <para>Cost: while the trace runs, every syscall of every process on the machine passes the programs'
/// filter (tens of nanoseconds); only the target's calls are counted. The trace summarizes: it produces
/// no events (decoded arguments need the tracee's memory: use <see cref="PtraceSyscallTracer"/>).</para>
/// <para>Differences from ptrace: a call interrupted by a fatal signal is counted (with its ERESTART*
/// errno), which ptrace never sees; a call already in progress when the trace starts is counted only when
/// counting alone (<c>measureTime: false</c>), as its entry time is unknown; the exit status of an attached
/// process comes from a sched_process_exit program and needs the kernel's BTF (null without it). A tracer
/// killed with SIGKILL leaves nothing behind (the kernel detaches and frees the programs with their fds),
/// but a command it launched runs on.</para>
/// </remarks>
public static class KernelSyscallTracer
{
    /// <summary>
    /// Launches or finds the target and starts counting. Returns once the programs are attached (for a
    /// launched command: once it has exec'd, counted from its execve). Throws <see cref="Ptrace.TargetException"/>:
    /// AccessDenied without the privileges (with what to grant), Unsupported where the kernel or the request
    /// does not allow it, TargetNotFound, LaunchFailed.
    /// </summary>
    /// <param name="target">A process, a thread, or a command to launch.</param>
    /// <param name="options">Syscalls to count, FollowForks, ByThread; CollectEvents is refused.</param>
    /// <param name="measureTime">Time each call (TotalTime, MaxTime, LatencyHistogram; a sys_enter program
    /// too), or only count calls and errors (cheaper).</param>
    public static ISyscallTraceSession Start(TraceTarget target, TraceOptions options, bool measureTime = true)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        return KernelTraceSession.Start(target, options, measureTime);
    }
}
