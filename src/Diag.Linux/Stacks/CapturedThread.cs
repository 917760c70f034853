using Diag.Linux.Ptrace;

namespace Diag.Linux.Stacks;

/// <summary>What the tracer thread took from one thread: identity and state read before the stop, the
/// unwound PCs, the stop's duration; or why there is no stack.</summary>
internal sealed class CapturedThread
{
    public required int ThreadId { get; init; }

    public string Name { get; init; } = "";

    /// <summary>The state letter of /proc/PID/task/TID/stat before the stop.</summary>
    public byte State { get; init; } = (byte)'?';

    /// <summary>orig_rax at the stop: the system call the thread was in, -1 in user code.</summary>
    public long SyscallNumber { get; init; } = -1;

    public UnwindResult? Unwind { get; init; }

    /// <summary>Lines of /proc/PID/task/TID/stack read before the stop (-Kernel), null when not read.</summary>
    public string? KernelStack { get; init; }

    public TimeSpan StopDuration { get; init; }

    public DateTime Timestamp { get; init; }

    public CaptureOutcome Outcome { get; init; }

    /// <summary>Why it could not be stopped (EPERM: traced by another, no permission).</summary>
    public TargetException? Failure { get; init; }
}

internal enum CaptureOutcome
{
    Captured,
    /// <summary>It exited before it could be stopped.</summary>
    Gone,
    /// <summary>It did not stop in time (uninterruptible sleep); left for the kernel to release when the tracer thread ends.</summary>
    DidNotStop,
    /// <summary>It could not be seized: <see cref="CapturedThread.Failure"/> says why.</summary>
    Refused,
}
