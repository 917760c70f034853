using System.Globalization;
using Diag.Linux.Output;

namespace Diag.Linux.ProcessEvents;

/// <summary>
/// One fork, exec or exit of a process, as the kernel saw it. The process is in <see cref="ProcessId"/> (for a fork:
/// the new child) and its executable in <see cref="Path"/>, so that an event pipes into cmdlets that take a
/// process or a file.
/// </summary>
public sealed class ProcessEvent
{
    /// <summary>When it happened (local time, nanosecond clock of the kernel).</summary>
    public DateTime Timestamp { get; internal init; }

    /// <summary>Fork, Exec or Exit, by name (as JSON and CSV read it; <see cref="EventKind"/> is the enum).</summary>
    public string Kind => EventKind.ToString();

    internal ProcessEventKind EventKind { get; init; }

    /// <summary>The process: the new child of a fork, the process that ran a program, the process that ended.</summary>
    public int ProcessId { get; internal init; }

    /// <summary>The thread: the child's only thread (fork), the thread that called exec (which takes over the
    /// process id when it was not the leader), the last thread to exit.</summary>
    public int ThreadId { get; internal init; }

    /// <summary>The process's name (comm): after an exec, the new program's.</summary>
    public string Name { get; internal init; } = "";

    public int ParentId { get; internal init; }

    public string ParentName { get; internal init; } = "";

    /// <summary>The parent's thread: the one that forked (fork), the one that created the process (otherwise).</summary>
    public int ParentThreadId { get; internal init; }

    public string ParentThreadName { get; internal init; } = "";

    /// <summary>Real user id (as the host sees it).</summary>
    public int UserId { get; internal init; }

    /// <summary>Its name in the host's user database; null when it has none.</summary>
    public string? UserName { get; internal init; }

    public int GroupId { get; internal init; }

    /// <summary>The executable: for an exec, the file it ran (a script, not its interpreter); for a fork or exit,
    /// the process's program (/proc/PID/exe). Symbolic links resolved; inside a container, the container's view.</summary>
    public string? Path { get; internal init; }

    /// <summary>The executable was deleted (or replaced) on disk, or never had a path (memfd).</summary>
    public bool PathDeleted { get; internal init; }

    /// <summary>For the exec of a script: the interpreter that runs it (what /proc/PID/exe names).</summary>
    public string? Interpreter { get; internal init; }

    /// <summary>For an exec: the file name as the call gave it (relative, or a link), e.g. <c>./run.sh</c>.</summary>
    public string? RequestedPath { get; internal init; }

    /// <summary>The arguments joined by spaces, as ps shows them (exec only).</summary>
    public string? CommandLine { get; internal init; }

    /// <summary>The arguments one by one (exec only).</summary>
    public ItemList<string> Arguments { get; internal init; } = ItemList<string>.Empty;

    /// <summary>The arguments were longer than what is kept (4 KiB): <see cref="CommandLine"/> is their beginning.</summary>
    public bool CommandLineCut { get; internal init; }

    /// <summary>The size of all the arguments in the process's memory, cut or not.</summary>
    public int ArgumentBytes { get; internal init; }

    /// <summary>The working directory at the exec.</summary>
    public string? WorkingDirectory { get; internal init; }

    /// <summary>For an exec that failed: the errno name (ENOENT, EACCES, ENOEXEC…); null when it succeeded.</summary>
    public string? Error { get; internal init; }

    /// <summary>For an exit: the exit code, when the process exited by itself.</summary>
    public int? ExitCode { get; internal init; }

    /// <summary>For an exit: the signal that killed it (SIGKILL, SIGSEGV…).</summary>
    public string? Signal { get; internal init; }

    /// <summary>For an exit by signal: a core dump was written.</summary>
    public bool CoreDumped { get; internal init; }

    /// <summary>For an exit: how long the process lived.</summary>
    public TimeSpan? Lifetime { get; internal init; }

    /// <summary>When the process started (local time).</summary>
    public DateTime? StartTime { get; internal init; }

    /// <summary>The cgroup v2 id.</summary>
    public long CgroupId { get; internal init; }

    /// <summary>The cgroup v2 path (/system.slice/cron.service); null when it cannot be named.</summary>
    public string? Cgroup { get; internal init; }

    /// <summary>The container id found in the cgroup path (docker, containerd, CRI-O, podman), 64 hex digits.</summary>
    public string? ContainerId { get; internal init; }

    /// <summary>The process id inside its own PID namespace (a container's view); the same as ProcessId on the host.</summary>
    public int NamespaceProcessId { get; internal init; }

    /// <summary>Kernel or ProcessConnector, by name.</summary>
    public string Source => SourceKind.ToString();

    internal ProcessEventSource SourceKind { get; init; }

    /// <summary>Some fields were read from /proc after the event (process connector, or a path too long for the
    /// kernel's copy): they may be missing, or belong to what the process did next.</summary>
    public bool IsLate { get; internal init; }

    /// <summary>A line as forkstat and execsnoop print it: <c>12:00:01.123 exec 4242 atd (1) /usr/bin/atd -f</c>.</summary>
    public override string ToString()
    {
        var time = Timestamp.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
        return EventKind switch
        {
            ProcessEventKind.Fork => string.Create(CultureInfo.InvariantCulture, $"{time} fork {ProcessId} {Name} (parent {ParentId} {ParentName})"),
            ProcessEventKind.Exec when Error is not null => string.Create(CultureInfo.InvariantCulture, $"{time} exec {ProcessId} {Name} {Error} {RequestedPath}"),
            ProcessEventKind.Exec => string.Create(CultureInfo.InvariantCulture, $"{time} exec {ProcessId} {Name} ({ParentId}) {CommandLine ?? Path}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{time} exit {ProcessId} {Name} {ExitDescription}"),
        };
    }

    /// <summary>"exit 0", "SIGKILL", "SIGSEGV (core)".</summary>
    internal string ExitDescription => Signal is not null ? Signal + (CoreDumped ? " (core)" : "") : "exit " + (ExitCode ?? 0).ToString(CultureInfo.InvariantCulture);
}
