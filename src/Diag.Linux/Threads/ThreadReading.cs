using Diag.Linux.ProcFs;

namespace Diag.Linux.Threads;

/// <summary>What one snapshot read of one thread: the counters deltas are computed from, and (in a
/// full snapshot) what the sample shows about the thread's state at its end.</summary>
internal readonly struct ThreadReading
{
    public required int ProcessId { get; init; }
    public required int ThreadId { get; init; }
    /// <summary><see cref="System.Diagnostics.Stopwatch"/> timestamp taken just before stat was read.</summary>
    public required long Timestamp { get; init; }
    public required TaskStat Stat { get; init; }
    /// <summary>schedstat run time in ns, or -1 when the kernel has no schedstat.</summary>
    public required long RunNanoseconds { get; init; }
    public required TaskStatusFields Status { get; init; }

    // Only in full snapshots:
    public string? Name { get; init; }
    /// <summary>Null when not read, or not permitted (see <see cref="AccessDenied"/>).</summary>
    public TaskSyscall? Syscall { get; init; }
    public string? WaitChannel { get; init; }
    /// <summary>True when syscall/wchan could not be read for lack of ptrace access.</summary>
    public bool AccessDenied { get; init; }
}
