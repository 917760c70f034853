using Diag.Linux.Syscalls;

namespace Diag.Linux.Tracing;

/// <summary>One syscall made by a traced thread.</summary>
public sealed record SyscallEvent
{
    /// <summary>When the tracer saw the call enter the kernel (UTC).</summary>
    public DateTime Timestamp { get; init; }

    /// <summary>The process (thread group) that made the call.</summary>
    public int ProcessId { get; init; }

    /// <summary>The thread that made the call.</summary>
    public int ThreadId { get; init; }

    /// <summary>Syscall name, e.g. <c>mmap</c>.</summary>
    public required string Syscall { get; init; }

    /// <summary>x86_64 syscall number.</summary>
    public int Number { get; init; }

    /// <summary>Decoded arguments.</summary>
    public SyscallArgument[] Arguments { get; init; } = [];

    /// <summary>The arguments as strace prints them: <c>NULL, 134217728, PROT_NONE, ...</c>.</summary>
    public string ArgumentText { get; init; } = "";

    /// <summary>The raw return value (negative errno on failure); 0 when the call did not complete.</summary>
    public long ReturnValue { get; init; }

    /// <summary>The return value as strace prints it: hex for addresses (mmap, brk), decimal otherwise,
    /// <c>-1</c> on failure (the errno is in <see cref="Error"/>), <c>?</c> when the call did not complete.</summary>
    public string ReturnText { get; init; } = "";

    /// <summary>The errno name when <see cref="ReturnValue"/> is in -4095..-1, e.g. <c>ENOENT</c>.</summary>
    public string? Error { get; init; }

    /// <summary>Wall time from the entry stop to the exit stop (or to the end of the trace or thread).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>False when the call did not return before the trace ended or the thread exited.</summary>
    public bool Completed { get; init; }
}
