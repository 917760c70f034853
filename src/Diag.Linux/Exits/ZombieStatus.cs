using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Exits;

/// <summary>
/// The exit status of a zombie from /proc/PID/stat field 52 (exit_code, Linux 3.5): the one place it is readable
/// between the process's exit and its parent's wait. The kernel shows it only to those with ptrace read access (root,
/// or its owner) and writes 0 for everyone else, so a 0 is trusted only for them.
/// </summary>
internal static class ZombieStatus
{
    private const int ExitCodeField = 52;

    /// <summary>The status, or null when the process is not a zombie (gone, or reaped) or the value cannot be trusted.</summary>
    public static int? Read(ProcFileReader reader, SafeFileDescriptor procFd, int pid, int userId)
    {
        if (reader.Read(procFd, pid, "stat"u8, out var stat) != 0) return null;
        int close = stat.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= stat.Length || stat[close + 2] != (byte)'Z') return null;
        uint euid = Libc.GetEffectiveUserId();
        if (euid != 0 && euid != (uint)userId) return null;
        var rest = ProcNumber.TrimEnd(stat[(close + 2)..]);
        int field = 3;
        while (field < ExitCodeField)
        {
            int space = rest.IndexOf((byte)' ');
            if (space < 0) return null;
            rest = rest[(space + 1)..];
            field++;
        }
        return ProcNumber.Parse(rest, out long value) > 0 ? (int)value : null;
    }
}
