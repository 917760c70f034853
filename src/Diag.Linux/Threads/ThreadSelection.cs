using Diag.Linux.ProcFs;

namespace Diag.Linux.Threads;

/// <summary>Which threads a <see cref="ThreadCpuSampler"/> reads: the threads of a <see cref="ProcessSelection"/>
/// (every process, given PIDs, or processes whose name matches), optionally only some TIDs.</summary>
public sealed class ThreadSelection
{
    private ThreadSelection(ProcessSelection processes, IReadOnlySet<int>? threadIds = null)
    {
        Processes = processes;
        ThreadIds = threadIds;
    }

    /// <summary>The threads of these processes. A PID that does not exist is reported in the first batch's
    /// <see cref="ThreadCpuBatch.MissingProcessIds"/>, a name pattern that matches nothing in its
    /// <see cref="ThreadCpuBatch.UnmatchedNamePatterns"/>.</summary>
    public static ThreadSelection For(ProcessSelection processes) => new(processes);

    /// <summary>Every thread of every process (<c>top -H</c>).</summary>
    public static ThreadSelection AllProcesses() => new(ProcessSelection.All);

    /// <summary>The threads of these processes.</summary>
    public static ThreadSelection ForProcessIds(IEnumerable<int> processIds) => new(ProcessSelection.ForIds(processIds));

    /// <summary>The threads of processes whose name matches any pattern, as Get-Process matches.</summary>
    public static ThreadSelection ForProcessNames(IEnumerable<Func<string, bool>> namePatterns) => new(ProcessSelection.ForNames(namePatterns));

    /// <summary>The same selection keeping only these thread IDs (null: all threads).</summary>
    public ThreadSelection WithThreadIds(IEnumerable<int>? threadIds) =>
        new(Processes, threadIds is null ? null : new HashSet<int>(threadIds));

    /// <summary>The processes whose threads are read.</summary>
    public ProcessSelection Processes { get; }

    /// <summary>Only these thread IDs are read, or all when null.</summary>
    public IReadOnlySet<int>? ThreadIds { get; }
}
