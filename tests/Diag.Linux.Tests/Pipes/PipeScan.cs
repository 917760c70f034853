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

    /// <summary>This process's descriptors that are on a pipe or socket, or are pidfds: none may be left by a scan.</summary>
    public static string[] OwnPipeLikeDescriptors() =>
        Directory.GetFiles("/proc/self/fd").Select(f => new FileInfo(f).LinkTarget ?? "")
            .Where(t => t.StartsWith("anon_inode:[pidfd]", StringComparison.Ordinal) || t.StartsWith("pipe:", StringComparison.Ordinal) || t.StartsWith("socket:", StringComparison.Ordinal))
            .ToArray();
}
