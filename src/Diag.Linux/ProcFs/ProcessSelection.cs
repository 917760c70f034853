namespace Diag.Linux.ProcFs;

/// <summary>
/// Which processes a cmdlet works on, as the user chose them: every process, some PIDs (from -Id, Get-Process
/// or any object with a ProcessId), or the processes whose name matches some patterns (-Name). Readers that
/// take a selection (threads, pipes, and every later cmdlet) resolve it through <see cref="Resolve"/> or, when
/// they walk /proc themselves, through <see cref="ProcessNamePatterns"/>, so names match the same way everywhere.
/// </summary>
public sealed class ProcessSelection
{
    private ProcessSelection(IReadOnlyList<int>? processIds, ProcessNamePatterns? names)
    {
        ProcessIds = processIds;
        Names = names;
    }

    /// <summary>Every process.</summary>
    public static ProcessSelection All { get; } = new(null, null);

    /// <summary>These PIDs (duplicates removed, order kept). A PID that does not exist is reported by whoever reads it.</summary>
    public static ProcessSelection ForIds(IEnumerable<int> processIds) => new(processIds.Distinct().ToArray(), null);

    /// <summary>The processes whose name matches one of <paramref name="patterns"/>.</summary>
    public static ProcessSelection ForNames(IEnumerable<Func<string, bool>> patterns) => new(null, new ProcessNamePatterns(patterns));

    /// <summary>The PIDs asked for, or null when not selecting by PID.</summary>
    public IReadOnlyList<int>? ProcessIds { get; }

    /// <summary>The name patterns, or null when not selecting by name.</summary>
    public ProcessNamePatterns? Names { get; }

    /// <summary>True for <see cref="All"/>.</summary>
    public bool IsAll => ProcessIds is null && Names is null;

    /// <summary>
    /// The processes selected now, in ascending PID order (PIDs given by the user keep their order): for PIDs,
    /// those that exist and the others as missing; for names, the matching processes and the patterns that matched
    /// nothing. A process that exits while /proc is read is simply not listed.
    /// </summary>
    public ResolvedProcesses Resolve(string procPath = "/proc")
    {
        using var reader = new ProcFileReader();
        using var procFd = reader.OpenDirectory(procPath, out var errno);
        if (procFd is null) throw new Interop.SyscallException("open", errno, procPath);
        var found = new List<int>();
        var missing = new List<int>();
        var names = new Dictionary<int, string>();
        var fd = procFd;
        if (ProcessIds is { } ids)
        {
            foreach (var pid in ids)
            {
                if (ProcessNameResolver.TryResolve(reader, fd, pid, out var comm, out var untruncated))
                {
                    found.Add(pid);
                    names[pid] = untruncated ?? comm;
                }
                else missing.Add(pid);
            }
            return new ResolvedProcesses(found, missing, [], names);
        }

        var pids = new List<int>();
        reader.ListNumericEntries(fd, pids);
        pids.Sort();
        var matched = Names is null ? null : new bool[Names.Count];
        foreach (var pid in pids)
        {
            string name;
            if (Names is not null)
            {
                if (!Names.Match(reader, fd, pid, matched, out name)) continue;
            }
            else if (ProcessNameResolver.TryResolve(reader, fd, pid, out var comm, out var untruncated)) name = untruncated ?? comm;
            else continue;
            found.Add(pid);
            names[pid] = name;
        }
        return new ResolvedProcesses(found, [], ProcessNamePatterns.Unmatched(matched), names);
    }
}

/// <summary>What a <see cref="ProcessSelection"/> found at one moment.</summary>
public sealed class ResolvedProcesses
{
    internal ResolvedProcesses(IReadOnlyList<int> processIds, IReadOnlyList<int> missingProcessIds,
        IReadOnlyList<int> unmatchedNamePatterns, IReadOnlyDictionary<int, string> names)
    {
        ProcessIds = processIds;
        MissingProcessIds = missingProcessIds;
        UnmatchedNamePatterns = unmatchedNamePatterns;
        Names = names;
    }

    /// <summary>The processes that exist and were selected.</summary>
    public IReadOnlyList<int> ProcessIds { get; }

    /// <summary>PIDs asked for that do not exist.</summary>
    public IReadOnlyList<int> MissingProcessIds { get; }

    /// <summary>Indexes of name patterns that matched no process.</summary>
    public IReadOnlyList<int> UnmatchedNamePatterns { get; }

    /// <summary>The name (as Get-Process shows it) of each selected process.</summary>
    public IReadOnlyDictionary<int, string> Names { get; }
}
