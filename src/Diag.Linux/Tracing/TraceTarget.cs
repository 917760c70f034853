namespace Diag.Linux.Tracing;

/// <summary>Who a syscall trace follows: a whole process, one thread, or a command launched for the trace.</summary>
public abstract record TraceTarget
{
    private TraceTarget()
    {
    }

    /// <summary>Every thread of process <paramref name="ProcessId"/>, and the threads it creates while traced.</summary>
    public sealed record Process(int ProcessId) : TraceTarget;

    /// <summary>One thread only, like <c>strace -p TID</c>: threads it creates are not followed.</summary>
    public sealed record Thread(int ThreadId) : TraceTarget;

    /// <summary>
    /// A command started for the trace and traced from its first syscall (its execve). It inherits the
    /// caller's standard input, output and error and environment. <paramref name="FilePath"/> without a
    /// '/' is looked up in PATH; a relative path with a '/' is relative to the process's current directory.
    /// <paramref name="WorkingDirectory"/> (null: the current directory) is where the command starts.
    /// A launched command does not outlive its trace: when the trace is stopped before the command exits,
    /// the command is killed (SIGKILL), as strace's Ctrl+C ends the command it started.
    /// </summary>
    public sealed record Launch(string FilePath, IReadOnlyList<string> Arguments, string? WorkingDirectory) : TraceTarget;
}
