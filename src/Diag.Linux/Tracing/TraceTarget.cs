namespace Diag.Linux.Tracing;

/// <summary>Who a syscall trace follows: a whole process, one thread, or a command launched for the trace.</summary>
public abstract record TraceTarget
{
    private TraceTarget()
    {
    }

    /// <summary>The target as a user names it: <c>process 1234 (nginx)</c>, <c>thread 5072 of process 5060 (vpnserver)</c>, <c>/usr/bin/make</c>.</summary>
    public string Describe() => this switch
    {
        Process p => $"process {p.ProcessId}{NameOf(p.ProcessId)}",
        Thread t => ProcFs.TaskStatusFile.TryRead(t.ThreadId) is { } status && status.ThreadGroupId != t.ThreadId
            ? $"thread {t.ThreadId} of process {status.ThreadGroupId}{NameOf(status.ThreadGroupId)}"
            : $"thread {t.ThreadId}",
        Launch l => l.FilePath,
        _ => "?",
    };

    /// <summary>" (nginx)", or nothing for a process that does not exist (any more).</summary>
    private static string NameOf(int pid) => ProcFs.TaskStatusFile.ReadComm(pid) is var comm && comm != "?" ? $" ({comm})" : "";

    /// <summary>Every thread of process <paramref name="ProcessId"/>, and the threads it creates while traced.</summary>
    public sealed record Process(int ProcessId) : TraceTarget;

    /// <summary>One thread only, like <c>strace -p TID</c>: threads it creates are not followed.</summary>
    public sealed record Thread(int ThreadId) : TraceTarget;

    /// <summary>
    /// A command started for the trace and traced from its first syscall (its execve). It inherits the
    /// caller's environment, and its standard streams as <see cref="StandardInputFd"/>.. say (by default
    /// the caller's own). <paramref name="FilePath"/> without a
    /// '/' is looked up in PATH; a relative path with a '/' is relative to the process's current directory.
    /// <paramref name="WorkingDirectory"/> (null: the current directory) is where the command starts.
    /// A launched command does not outlive its trace: when the trace is stopped before the command exits,
    /// the command is killed (SIGKILL), as strace's Ctrl+C ends the command it started.
    /// </summary>
    public sealed record Launch(string FilePath, IReadOnlyList<string> Arguments, string? WorkingDirectory) : TraceTarget
    {
        /// <summary>File descriptors of the caller that become the command's stdin, stdout and stderr
        /// (duplicated in the child before exec); -1 keeps the caller's own stream.</summary>
        public int StandardInputFd { get; init; } = -1;
        public int StandardOutputFd { get; init; } = -1;
        public int StandardErrorFd { get; init; } = -1;
    }
}
