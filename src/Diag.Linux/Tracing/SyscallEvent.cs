using Diag.Linux.Output;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Tracing;

/// <summary>One syscall made by a traced thread. Its inputs are read when the call enters the kernel,
/// what the kernel filled in when it returns, as strace does.</summary>
public sealed class SyscallEvent : TraceEvent
{
    /// <summary>Syscall name, e.g. <c>mmap</c>.</summary>
    public string Syscall { get; internal init; } = "";

    /// <summary>x86_64 syscall number.</summary>
    public int Number { get; internal init; }

    /// <summary>Decoded arguments, in the order strace prints them.</summary>
    public ItemList<SyscallArgument> Arguments { get; internal init; } = ItemList<SyscallArgument>.Empty;

    /// <summary>The arguments as strace prints them: <c>NULL, 134217728, PROT_NONE, ...</c>; in/out values
    /// show what the program passed and what the kernel returned: <c>[128 => 16]</c>.</summary>
    public string ArgumentText { get; internal init; } = "";

    /// <summary>The raw return value: the result, or the negative errno on failure (-2 for ENOENT); for an
    /// <see cref="Interrupted"/> call the kernel's internal code (-512..-516); 0 when the call did not complete.</summary>
    public long ReturnValue { get; internal init; }

    /// <summary>The return value as strace prints it: hex for addresses (mmap, brk), octal for umask,
    /// strace's detail in parentheses (<c>0 (Timeout)</c>, <c>1 (in [5], left {tv_sec=0, tv_nsec=999000})</c>,
    /// <c>0x8002 (flags O_RDWR|O_LARGEFILE)</c>), <c>-1</c> on failure (the errno is in <see cref="Error"/>),
    /// <c>?</c> when the call did not complete or was <see cref="Interrupted"/>.</summary>
    public string ReturnText { get; internal init; } = "";

    /// <summary>The errno name when <see cref="ReturnValue"/> is in -4095..-1, e.g. <c>ENOENT</c>; for an
    /// interrupted call ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND or ERESTART_RESTARTBLOCK.</summary>
    public string? Error { get; internal init; }

    /// <summary>A signal interrupted the call (strace: <c>= ? ERESTARTSYS (To be restarted if SA_RESTART is set)</c>).
    /// The program never sees this return: the kernel restarts the call after the handler (restart_syscall for
    /// ERESTART_RESTARTBLOCK), or the program gets EINTR. Not a failure of the call.</summary>
    public bool Interrupted { get; internal init; }

    /// <summary>Wall time from the entry stop to the exit stop (or to the end of the trace or thread).</summary>
    public TimeSpan Duration { get; internal init; }

    /// <summary>False when the call did not return before the trace ended or the thread exited.</summary>
    public bool Completed { get; internal init; }

    /// <summary>The call as strace -f prints it: <c>[pid 1234] openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = -1 ENOENT</c>.</summary>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"[pid {ThreadId}] {Syscall}({ArgumentText}) = {ReturnText}{(Error is null ? "" : " " + Error)}");
}
