using Diag.Linux.Pipes;

namespace Diag.Linux.Tests.Pipes;

/// <summary>Shorthands for the pipe tests.</summary>
internal static class PipeScan
{
    public static PipeScanResult Find(PipeSelection selection)
    {
        using var finder = new PipePeerFinder();
        return finder.Find(selection);
    }

    public static PipeScanResult OfProcesses(params int[] pids) => Find(PipeSelection.ForProcessIds(pids));

    public static PipeEndpoint Endpoint(this PipeScanResult result, int pid, int fd) =>
        Assert.Single(result.Endpoints, e => e.ProcessId == pid && e.FileDescriptor == fd);

    /// <summary>The inode behind /proc/PID/fd/FD ("pipe:[123]" or "socket:[123]").</summary>
    public static long InodeOf(int pid, int fd)
    {
        string target = new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget!;
        return long.Parse(target[(target.IndexOf('[') + 1)..^1]);
    }

    /// <summary>This process's descriptors on these pipes or sockets, and its pidfds: what a scan could leave behind
    /// (pidfd_getfd copies a pipe's descriptor into this process). Other inodes are left out: other threads of the
    /// test host open and close their own pipes meanwhile.</summary>
    public static string[] OwnDescriptorsOn(IEnumerable<long> inodes)
    {
        var wanted = inodes.SelectMany(i => new[] { $"pipe:[{i}]", $"socket:[{i}]" }).ToHashSet(StringComparer.Ordinal);
        return Directory.GetFiles("/proc/self/fd").Select(LinkTarget)
            .Where(t => t.StartsWith("anon_inode:[pidfd]", StringComparison.Ordinal) || wanted.Contains(t))
            .Order(StringComparer.Ordinal).ToArray();
    }

    private static string LinkTarget(string fd)
    {
        try
        {
            return new FileInfo(fd).LinkTarget ?? "";
        }
        catch (IOException)
        {
            return ""; // closed meanwhile
        }
    }
}
