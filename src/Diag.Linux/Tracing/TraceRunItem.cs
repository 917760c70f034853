using Diag.Linux.Ptrace;
namespace Diag.Linux.Tracing;

/// <summary>What a <see cref="SyscallTraceRun"/> yields next.</summary>
public enum TraceRunItemKind
{
    /// <summary>A target could not be traced: <see cref="TraceRunItem.StartFailure"/>.</summary>
    StartFailed,

    /// <summary>A lifecycle message or a warning: <see cref="TraceRunItem.MessageKind"/>, <see cref="TraceRunItem.Message"/>.</summary>
    Message,

    /// <summary>One event (with <see cref="TraceOptions.CollectEvents"/>): a call, a signal or a thread's exit,
    /// <see cref="TraceRunItem.Event"/>.</summary>
    Event,

    /// <summary>A line a launched command wrote to a captured stream: <see cref="TraceRunItem.Output"/>.</summary>
    Output,

    /// <summary>A tick (about four a second) for progress and for the caller to look at the console:
    /// <see cref="TraceRunItem.Elapsed"/>, <see cref="TraceRunItem.Stopping"/>.</summary>
    Progress,

    /// <summary>A target's trace ended: <see cref="TraceRunItem.Result"/> and <see cref="TraceRunItem.Total"/>.</summary>
    Finished,

    /// <summary>A target's trace failed after it started (its tracees were detached): <see cref="TraceRunItem.Failure"/>.</summary>
    Failed,
}

/// <summary>One item of a <see cref="SyscallTraceRun"/>: a small struct, so that streaming events costs no
/// allocation beyond the event itself. Only the fields of its <see cref="Kind"/> are set.</summary>
public readonly struct TraceRunItem
{
    public TraceRunItemKind Kind { get; init; }

    /// <summary>The target the item concerns (all kinds but Progress).</summary>
    public TraceTarget? Target { get; init; }

    /// <summary>A <see cref="SyscallEvent"/>, <see cref="SignalEvent"/> or <see cref="ExitEvent"/>.</summary>
    public TraceEvent? Event { get; init; }

    public LaunchedOutputLine? Output { get; init; }

    public TraceNoticeKind MessageKind { get; init; }

    public string? Message { get; init; }

    public TargetException? StartFailure { get; init; }

    public TraceResult? Result { get; init; }

    /// <summary>The strace-like total line of a finished target.</summary>
    public SyscallTraceTotal? Total { get; init; }

    public Exception? Failure { get; init; }

    /// <summary>Time since the trace started.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>True once the end was asked for (deadline, Stop, cancellation) and tracees are being detached.</summary>
    public bool Stopping { get; init; }
}
