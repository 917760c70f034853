namespace Diag.Linux.ProcFs;

/// <summary>The processes whose name matches some patterns, as Get-Process -Name matches: the comm, and for a
/// comm cut at 15 characters also the untruncated executable name.</summary>
public static class ProcessNameLookup
{
    /// <summary>The matching PIDs in ascending order; <paramref name="matched"/>[i] tells whether pattern i matched any.</summary>
    public static IReadOnlyList<int> Find(IReadOnlyList<Func<string, bool>> patterns, out bool[] matched)
    {
        matched = new bool[patterns.Count];
        var found = new List<int>();
        using var reader = new ProcFileReader();
        var procFd = reader.OpenDirectory("/proc");
        if (procFd < 0) return found;
        try
        {
            var pids = new List<int>();
            reader.ListNumericEntries(procFd, pids);
            pids.Sort();
            foreach (var pid in pids)
            {
                if (!ProcessNameResolver.TryResolve(reader, procFd, pid, out var comm, out var untruncated)) continue;
                var any = false;
                for (var i = 0; i < patterns.Count; i++)
                {
                    if (!patterns[i](comm) && (untruncated is null || !patterns[i](untruncated))) continue;
                    matched[i] = true;
                    any = true;
                }
                if (any) found.Add(pid);
            }
        }
        finally
        {
            Interop.Libc.Close(procFd);
        }
        return found;
    }
}
