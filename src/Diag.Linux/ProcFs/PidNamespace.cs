namespace Diag.Linux.ProcFs;

/// <summary>Which PID namespace this process lives in. Kernel programs (tracepoints, task iterators) see the
/// host's (initial namespace's) process and thread IDs; /proc shows those of the reader's namespace.</summary>
internal static class PidNamespace
{
    /// <summary>The inode of the initial PID namespace (PROC_PID_INIT_INO), the same on every Linux.</summary>
    private const string Initial = "pid:[4026531836]";

    /// <summary>True when this process sees the host's process IDs.</summary>
    public static bool IsInitial()
    {
        try
        {
            return new FileInfo("/proc/self/ns/pid").LinkTarget == Initial;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
