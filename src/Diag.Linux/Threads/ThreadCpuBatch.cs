namespace Diag.Linux.Threads;

/// <summary>One sampling interval's result: the samples, busiest first, and what the caller should tell the user.</summary>
public sealed class ThreadCpuBatch
{
    internal ThreadCpuBatch(int sampleNumber, IReadOnlyList<ThreadCpuSample> samples, IReadOnlyList<int> missingProcessIds,
        IReadOnlyList<int> unmatchedNamePatterns, IReadOnlyCollection<int> deniedProcessIds, TimeSpan readTime = default, long uncountedSyscalls = 0)
    {
        SampleNumber = sampleNumber;
        Samples = samples;
        MissingProcessIds = missingProcessIds;
        UnmatchedNamePatterns = unmatchedNamePatterns;
        DeniedProcessIds = deniedProcessIds.Order().ToArray();
        ReadTime = readTime;
        UncountedSyscalls = uncountedSyscalls;
    }

    /// <summary>System calls of this interval the kernel could not count (more thread and syscall pairs than its
    /// map holds): the TopSyscall of some threads may then be off.</summary>
    public long UncountedSyscalls { get; }

    /// <summary>1 for the first interval, 2 for the next, ...</summary>
    public int SampleNumber { get; }

    /// <summary>One sample per thread, sorted by CpuPercent, highest first.</summary>
    public IReadOnlyList<ThreadCpuSample> Samples { get; }

    /// <summary>Requested PIDs with no such process at the start (first batch only; each PID once).</summary>
    public IReadOnlyList<int> MissingProcessIds { get; }

    /// <summary>Indexes into the selection's name patterns that matched no process (first batch only).</summary>
    public IReadOnlyList<int> UnmatchedNamePatterns { get; }

    /// <summary>True when some CurrentSyscall/WaitChannel fields are null because reading them needs
    /// ptrace access to the thread (root or CAP_SYS_PTRACE for other users' processes).</summary>
    public bool SomeFieldsUnreadable => DeniedProcessIds.Count > 0;

    /// <summary>The processes whose threads' CurrentSyscall/WaitChannel could not be read, lowest first.</summary>
    public IReadOnlyList<int> DeniedProcessIds { get; }

    /// <summary>CPU-side time this sample spent reading the kernel (the cost of the sample itself).</summary>
    public TimeSpan ReadTime { get; }
}
