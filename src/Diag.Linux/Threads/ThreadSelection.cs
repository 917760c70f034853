namespace Diag.Linux.Threads;

/// <summary>Which threads a <see cref="ThreadCpuSampler"/> reads: all processes, given PIDs, or
/// processes whose name matches one of some patterns; optionally only some TIDs.</summary>
public sealed class ThreadSelection
{
    private ThreadSelection(IReadOnlyList<int>? processIds, IReadOnlyList<Func<string, bool>>? namePatterns,
        IReadOnlySet<int>? threadIds = null)
    {
        ProcessIds = processIds;
        NamePatterns = namePatterns;
        ThreadIds = threadIds;
    }

    /// <summary>Every thread of every process (<c>top -H</c>).</summary>
    public static ThreadSelection AllProcesses() => new(null, null);

    /// <summary>The threads of these processes. A PID that does not exist is reported in the first batch's
    /// <see cref="ThreadCpuBatch.MissingProcessIds"/>.</summary>
    public static ThreadSelection ForProcessIds(IEnumerable<int> processIds) =>
        new(processIds.Distinct().ToArray(), null);

    /// <summary>The threads of processes whose name matches any pattern. A name is the comm, and for a comm
    /// cut at 15 characters also the executable's untruncated name, as Get-Process matches. A pattern that
    /// matches nothing is reported in the first batch's <see cref="ThreadCpuBatch.UnmatchedNamePatterns"/>.</summary>
    public static ThreadSelection ForProcessNames(IEnumerable<Func<string, bool>> namePatterns) =>
        new(null, namePatterns.ToArray());

    /// <summary>The same selection keeping only these thread IDs (null: all threads).</summary>
    public ThreadSelection WithThreadIds(IEnumerable<int>? threadIds) =>
        new(ProcessIds, NamePatterns, threadIds is null ? null : new HashSet<int>(threadIds));

    /// <summary>Only these thread IDs are read, or all when null.</summary>
    public IReadOnlySet<int>? ThreadIds { get; }

    /// <summary>The PIDs asked for, or null when not selecting by PID.</summary>
    public IReadOnlyList<int>? ProcessIds { get; }

    /// <summary>The name predicates, or null when not selecting by name.</summary>
    public IReadOnlyList<Func<string, bool>>? NamePatterns { get; }
}
