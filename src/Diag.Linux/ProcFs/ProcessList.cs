namespace Diag.Linux.ProcFs;

/// <summary>A running process as tab completion lists it.</summary>
public sealed class ProcessEntry
{
    internal ProcessEntry(int processId, string name)
    {
        ProcessId = processId;
        Name = name;
    }

    public int ProcessId { get; }

    /// <summary>The name Get-Process shows (comm, or the untruncated executable name when comm is cut).</summary>
    public string Name { get; }

    public override string ToString() => $"{Name} ({ProcessId})";
}

/// <summary>The processes in /proc, for tab completion: PIDs and names, nothing per thread.</summary>
public static class ProcessList
{
    /// <summary>Every process readable now; processes that exit while listed are left out; none when /proc cannot be read.</summary>
    public static IReadOnlyList<ProcessEntry> Read(string rootPath = "/")
    {
        ResolvedProcesses all;
        try
        {
            all = ProcessSelection.All.Resolve(Path.Combine(rootPath, "proc"));
        }
        catch (Interop.SyscallException)
        {
            return [];
        }
        return all.ProcessIds.Select(pid => new ProcessEntry(pid, all.Names[pid])).ToArray();
    }
}
