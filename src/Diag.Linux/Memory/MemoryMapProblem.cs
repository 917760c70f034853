namespace Diag.Linux.Memory;

/// <summary>Why a process's memory map could not be read.</summary>
public enum MemoryMapProblemKind
{
    /// <summary>The process exited (before or while it was read).</summary>
    Exited,

    /// <summary>Not permitted to read /proc/PID/smaps (another user's process without root or CAP_SYS_PTRACE).</summary>
    AccessDenied,

    /// <summary>A zombie or a kernel thread: no user memory to map.</summary>
    NoUserMemory,
}

/// <summary>One process whose map could not be read, and what to do about it.</summary>
public sealed class MemoryMapProblem
{
    internal MemoryMapProblem(MemoryMapProblemKind kind, int processId, string message, string remedy)
    {
        Kind = kind;
        ProcessId = processId;
        Message = message;
        Remedy = remedy;
    }

    public MemoryMapProblemKind Kind { get; }
    public int ProcessId { get; }
    public string Message { get; }
    public string Remedy { get; }

    public override string ToString() => Message;
}
