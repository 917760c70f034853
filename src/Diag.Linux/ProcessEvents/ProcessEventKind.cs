namespace Diag.Linux.ProcessEvents;

/// <summary>What happened to a process.</summary>
public enum ProcessEventKind
{
    /// <summary>A new process (fork, vfork, clone without CLONE_THREAD); threads are not events.</summary>
    Fork,

    /// <summary>A process ran a new program (execve, execveat), or tried to and failed (<see cref="ProcessEvent.Error"/>).</summary>
    Exec,

    /// <summary>A process ended (its last thread exited).</summary>
    Exit,
}
