namespace Diag.Linux.Tracing;

/// <summary>How syscalls are traced.</summary>
public enum TraceBackend
{
    /// <summary>Choose: the kernel for summaries where the kernel and the privileges allow it, ptrace otherwise and for events.</summary>
    Auto,

    /// <summary>ptrace, like strace: two stops of the traced thread per call, decoded arguments, any kernel since 5.3.</summary>
    Ptrace,

    /// <summary>eBPF programs on the raw_syscalls tracepoints count in the kernel: no stops, a small cost on every
    /// process of the machine while the trace runs; summaries only. Root or CAP_BPF + CAP_PERFMON, Linux 4.17+.</summary>
    Kernel,
}
