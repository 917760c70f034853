using Diag.Linux.ProcFs;

namespace Diag.Linux.ProcessEvents;

/// <summary>Who descends from whom right now, from /proc (PPid of each process's status).</summary>
internal static class ProcessFamily
{
    /// <summary>Every process below <paramref name="roots"/> (not the roots themselves), as /proc shows them now.</summary>
    public static HashSet<int> Descendants(IReadOnlyCollection<int> roots)
    {
        var children = new Dictionary<int, List<int>>();
        ResolvedProcesses all;
        try
        {
            all = ProcessSelection.All.Resolve();
        }
        catch (Interop.SyscallException)
        {
            return [];
        }
        foreach (var pid in all.ProcessIds)
        {
            if (TaskStatusFile.TryRead(pid) is not { } status)
                continue; // gone
            if (!children.TryGetValue(status.ParentProcessId, out var list))
                children[status.ParentProcessId] = list = new List<int>();
            list.Add(pid);
        }
        var found = new HashSet<int>();
        var pending = new Queue<int>(roots);
        while (pending.Count > 0)
        {
            if (!children.TryGetValue(pending.Dequeue(), out var list))
                continue;
            foreach (var child in list)
                if (found.Add(child))
                    pending.Enqueue(child);
        }
        found.ExceptWith(roots);
        return found;
    }

    /// <summary>The parent of <paramref name="pid"/> now; null when it is gone.</summary>
    public static int? ParentOf(int pid) => TaskStatusFile.TryRead(pid)?.ParentProcessId;
}
