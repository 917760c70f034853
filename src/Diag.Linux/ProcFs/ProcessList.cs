using Diag.Linux.Interop;

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
    /// <summary>Every process readable now; processes that exit while listed are left out.</summary>
    public static IReadOnlyList<ProcessEntry> Read(string rootPath = "/")
    {
        using var reader = new ProcFileReader();
        var procPath = Path.Combine(rootPath, "proc");
        var procFd = reader.OpenDirectory(procPath);
        if (procFd < 0)
            return [];
        try
        {
            var pids = new List<int>();
            reader.ListNumericEntries(procFd, pids);
            var entries = new List<ProcessEntry>(pids.Count);
            foreach (var pid in pids)
                if (ProcessNameResolver.TryResolve(reader, procFd, pid, out var comm, out var untruncated))
                    entries.Add(new ProcessEntry(pid, untruncated ?? comm));
            return entries;
        }
        finally
        {
            Libc.Close(procFd);
        }
    }
}
