namespace Diag.Linux.Limits;

/// <summary>The limits of one process, or why they could not be read.</summary>
public sealed class ProcessLimitResult
{
    internal ProcessLimitResult(int processId, string processName, IReadOnlyList<ProcessLimit> limits, string? problem, bool descriptorsUnreadable)
    {
        ProcessId = processId;
        ProcessName = processName;
        Limits = limits;
        Problem = problem;
        DescriptorsUnreadable = descriptorsUnreadable;
    }

    public int ProcessId { get; }
    public string ProcessName { get; }

    /// <summary>All sixteen limits in the kernel's order (empty when <see cref="Problem"/> is set).</summary>
    public IReadOnlyList<ProcessLimit> Limits { get; }

    /// <summary>Null, or why there are no limits: the process exited, or is a zombie.</summary>
    public string? Problem { get; }

    /// <summary>Its open descriptors could not be counted (another user's process without CAP_SYS_PTRACE).</summary>
    public bool DescriptorsUnreadable { get; }
}
