using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Exits;

/// <summary>A process being waited for: its pidfd (which pins its PID and polls readable at exit) and what is known
/// of it from /proc when the wait began (after exit only the status is left).</summary>
internal sealed class WaitTarget : IDisposable
{
    public required int ProcessId { get; init; }
    public required SafeFileDescriptor PidFd { get; init; }
    public required string Name { get; init; }
    public required string CommandLine { get; init; }
    public required int ParentProcessId { get; init; }
    public required int UserId { get; init; }
    public DateTime? StartTime { get; init; }

    /// <summary>A zombie when the wait began: it had exited already.</summary>
    public required bool WasZombie { get; init; }

    /// <summary>Opens the pidfd first (so the PID cannot be reused meanwhile), then reads the rest; null and the errno
    /// when pidfd_open fails (ESRCH: no such process) or the ID is a thread's (EINVAL).</summary>
    public static WaitTarget? Open(ProcFileReader reader, SafeFileDescriptor procFd, long ticksPerSecond, int pid, out int errno)
    {
        // /proc/TID of a thread exists too (unlisted); its Tgid is its process.
        if (reader.Read(procFd, pid, "status"u8, out var before) == 0 && StatusText.FirstNumber(StatusText.ValueOf(before, "\nTgid:"u8)) is long tgid && tgid != pid && tgid > 0)
        {
            errno = Errno.EINVAL;
            return null;
        }
        var pidFd = new SafeFileDescriptor(Libc.PidFdOpen(pid));
        if (pidFd.IsInvalid)
        {
            errno = Libc.LastErrno;
            pidFd.Dispose();
            return null;
        }
        errno = 0;
        string name = ProcessNameResolver.TryResolve(reader, procFd, pid, out var comm, out var untruncated) ? untruncated ?? comm : "";
        string commandLine = reader.Read(procFd, pid, "cmdline"u8, out var cmdline) == 0
            ? Encoding.UTF8.GetString(ProcNumber.TrimEnd(cmdline)).Replace('\0', ' ') : "";
        int parent = 0, uid = -1;
        bool zombie = false;
        if (reader.Read(procFd, pid, "status"u8, out var status) == 0)
        {
            parent = (int)StatusText.FirstNumber(StatusText.ValueOf(status, "\nPPid:"u8));
            var uids = StatusText.Numbers(StatusText.ValueOf(status, "\nUid:"u8));
            uid = uids.Length > 0 ? (int)uids[0] : -1;
            var state = StatusText.ValueOf(status, "\nState:"u8).TrimStart(" \t"u8);
            zombie = state.Length > 0 && state[0] == (byte)'Z';
        }
        DateTime? start = reader.Read(procFd, pid, "stat"u8, out var stat) == 0 && TaskStat.TryParse(stat, out var parsed, out _)
            ? KernelTime.FromBootTime(TimeSpan.FromTicks(parsed.StartTicks * (TimeSpan.TicksPerSecond / ticksPerSecond))) : null;
        return new WaitTarget
        {
            ProcessId = pid, PidFd = pidFd, Name = name, CommandLine = commandLine, ParentProcessId = parent, UserId = uid,
            StartTime = start, WasZombie = zombie,
        };
    }

    public void Dispose() => PidFd.Dispose();
}
