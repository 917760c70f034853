using System.Threading.Channels;

namespace Diag.Linux.Tracing;

/// <summary>
/// One running syscall trace: the ptrace engine (<see cref="PtraceSyscallTracer"/>) or the kernel backend
/// (<see cref="KernelSyscallTracer"/>, summaries only: its Events channel stays empty);
/// <see cref="SyscallTraceBackends"/> picks one.
/// </summary>
public interface ISyscallTraceSession : IDisposable
{
    /// <summary>With <see cref="TraceOptions.CollectEvents"/>: calls (<see cref="SyscallEvent"/>, also those cut
    /// short by the end of the trace or of their thread), signals (<see cref="SignalEvent"/>) and thread exits
    /// (<see cref="ExitEvent"/>), in the order the tracer saw them. Completes when the trace ends.</summary>
    ChannelReader<TraceEvent> Events { get; }

    /// <summary>Lifecycle messages: attached, thread exited, child followed, target exited, detached, warnings.
    /// Completes when the trace ends.</summary>
    ChannelReader<TraceNotice> Notices { get; }

    /// <summary>Completes once every tracee has been detached (or is gone), with the summary.</summary>
    Task<TraceResult> Completion { get; }

    /// <summary>Requests the end of the trace: every tracee is detached and keeps running (a launched
    /// command is killed). Idempotent, thread-safe, returns at once; await <see cref="Completion"/>.</summary>
    void Stop();

    /// <summary>The process id of a launched command, null for attached targets.</summary>
    int? LaunchedProcessId { get; }
}
