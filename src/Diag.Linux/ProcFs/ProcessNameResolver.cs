using System.Text;

namespace Diag.Linux.ProcFs;

/// <summary>
/// A process's name as Get-Process gives it: the comm, and when the comm is cut at 15 characters
/// (TASK_COMM_LEN - 1), the untruncated executable name from argv[0] or /proc/PID/exe when it starts with the comm.
/// </summary>
internal static class ProcessNameResolver
{
    private const int CommMaxLength = 15;

    /// <summary>Returns false when the process is gone. <paramref name="untruncated"/> is null unless
    /// the comm was truncated and a longer name was found.</summary>
    public static bool TryResolve(ProcFileReader reader, Interop.SafeFileDescriptor procFd, int pid, out string comm, out string? untruncated)
    {
        untruncated = null;
        if (reader.Read(procFd, pid, "comm"u8, out var content) != 0) { comm = ""; return false; }
        var commBytes = ProcNumber.TrimEnd(content);
        comm = Encoding.UTF8.GetString(commBytes);
        if (commBytes.Length < CommMaxLength) return true;

        if (reader.Read(procFd, pid, "cmdline"u8, out content) == 0)
        {
            int nul = content.IndexOf((byte)0);
            untruncated = LongerName(BaseName(nul < 0 ? content : content[..nul]), comm);
        }
        if (untruncated is null && reader.ReadLink(procFd, pid, "exe"u8, out var target) == 0)
            untruncated = LongerName(BaseName(target), comm);
        return true;
    }

    private static ReadOnlySpan<byte> BaseName(ReadOnlySpan<byte> path) => path[(path.LastIndexOf((byte)'/') + 1)..];

    private static string? LongerName(ReadOnlySpan<byte> candidate, string comm)
    {
        if (candidate.Length <= comm.Length) return null;
        var name = Encoding.UTF8.GetString(candidate);
        return name.StartsWith(comm, StringComparison.Ordinal) ? name : null;
    }
}
