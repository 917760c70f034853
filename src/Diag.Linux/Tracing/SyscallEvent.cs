using Diag.Linux.Syscalls;

namespace Diag.Linux.Tracing;

/// <summary>One syscall made by a traced thread.</summary>
public sealed class SyscallEvent
{
    /// <summary>When the tracer saw the call enter the kernel (local time, as Get-Date).</summary>
    public DateTime Timestamp { get; internal init; }

    /// <summary>The process (thread group) that made the call.</summary>
    public int ProcessId { get; internal init; }

    /// <summary>The thread that made the call.</summary>
    public int ThreadId { get; internal init; }

    /// <summary>Syscall name, e.g. <c>mmap</c>.</summary>
    public string Syscall { get; internal init; } = "";

    /// <summary>x86_64 syscall number.</summary>
    public int Number { get; internal init; }

    /// <summary>Decoded arguments.</summary>
    public SyscallArgument[] Arguments { get; internal init; } = [];

    /// <summary>The arguments as strace prints them: <c>NULL, 134217728, PROT_NONE, ...</c>.</summary>
    public string ArgumentText { get; internal init; } = "";

    /// <summary>The raw return value (negative errno on failure); 0 when the call did not complete.</summary>
    public long ReturnValue { get; internal init; }

    /// <summary>The return value as strace prints it: hex for addresses (mmap, brk), decimal otherwise,
    /// <c>-1</c> on failure (the errno is in <see cref="Error"/>), <c>?</c> when the call did not complete.</summary>
    public string ReturnText { get; internal init; } = "";

    /// <summary>The errno name when <see cref="ReturnValue"/> is in -4095..-1, e.g. <c>ENOENT</c>.</summary>
    public string? Error { get; internal init; }

    /// <summary>Wall time from the entry stop to the exit stop (or to the end of the trace or thread).</summary>
    public TimeSpan Duration { get; internal init; }

    /// <summary>False when the call did not return before the trace ended or the thread exited.</summary>
    public bool Completed { get; internal init; }

    /// <summary>The call as strace -f prints it: <c>[pid 1234] openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = -1 ENOENT</c>.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"[pid {ThreadId}] {Syscall}({ArgumentText}) = {ReturnText}{(Error is null ? "" : " " + Error)}");
}
