using Diag.Linux.Output;
namespace Diag.Linux.Stacks;

/// <summary>
/// The stack of one thread at one moment, as pstack prints it but as an object: who it is, what it was
/// doing, and its frames innermost first. The thread was stopped only while its registers and stack
/// were copied (see <see cref="StopDuration"/>); the rest of the process ran on.
/// </summary>
public sealed class ThreadStack
{
    /// <summary>Process (thread group) ID, as the host sees it.</summary>
    public int ProcessId { get; internal init; }

    /// <summary>Process name, as Get-Process shows it.</summary>
    public string ProcessName { get; internal init; } = "";

    /// <summary>Thread ID (TID), as the host sees it.</summary>
    public int ThreadId { get; internal init; }

    /// <summary>Thread name (comm, set by pthread_setname_np or prctl).</summary>
    public string ThreadName { get; internal init; } = "";

    /// <summary>Scheduler state read just before the thread was stopped, by name (Running, Sleeping,
    /// DiskSleep...: see <see cref="Threads.ThreadStates"/>), as Get-ThreadCpu gives it.</summary>
    public string State { get; internal init; } = "";

    /// <summary>The system call the thread was in when stopped (recvfrom, futex, epoll_wait...); null when it was running user code.</summary>
    public string? CurrentSyscall { get; internal init; }

    /// <summary>The frames, innermost (#0) first. Empty when the thread could not be stopped.</summary>
    public ItemList<StackFrame> Frames { get; internal init; } = ItemList<StackFrame>.Empty;

    /// <summary>The innermost frame in the program's own code (its executable, its own libraries, code a runtime
    /// generated), not in the C library or the loader: what the thread is doing, where frame #0 is often only
    /// <c>__futex_abstimed_wait_common</c>. Null when every frame is a system library's.</summary>
    public StackFrame? ProgramFrame => Frames.FirstOrDefault(f => f.IsProgramCode);

    /// <summary>The kernel's stack of the thread (-Kernel), innermost first, read before it was stopped; null when not asked for or not readable.</summary>
    public StackFrame[]? KernelFrames { get; internal init; }

    /// <summary>The function names innermost first, joined by " &lt; " (offsets left out, a frame without a name
    /// as module+0xoffset): equal for threads stopped at the same place, so Group-Object Signature folds them.</summary>
    public string Signature { get; internal init; } = "";

    /// <summary>True when the walk reached the outermost frame (_start, or the thread's clone); false when it ended
    /// early, see <see cref="Problem"/>.</summary>
    public bool Complete { get; internal init; }

    /// <summary>Why the stack is incomplete or empty (no unwind information for a JIT frame, the thread did not stop); null when complete.</summary>
    public string? Problem { get; internal init; }

    /// <summary>How long the thread was stopped: from the tracer seeing it stop to its release.</summary>
    public TimeSpan StopDuration { get; internal init; }

    /// <summary>When the thread was stopped (local time).</summary>
    public DateTime Timestamp { get; internal init; }

    /// <summary>"TID name: signature", one line.</summary>
    public override string ToString() => $"{ThreadId} {ThreadName}: {Signature}";
}
