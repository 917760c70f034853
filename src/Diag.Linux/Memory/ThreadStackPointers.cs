using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Memory;

/// <summary>One thread of a process and where its stack pointer was, when the kernel said.</summary>
internal readonly record struct ThreadStackPointer(int ThreadId, string Name, ulong? StackPointer);

/// <summary>
/// Each thread's stack pointer, read from /proc/PID/task/TID/syscall without stopping anything: the kernel gives
/// it for a thread blocked in a system call or otherwise off the CPU ("nr args... sp pc", "-1 sp pc"), not for a
/// thread running at that instant ("running"), which is read again a few times. Kernels before 4.5 named thread
/// stacks [stack:TID] in maps; newer ones leave finding them to this. Needs ptrace access to the process.
/// </summary>
internal static class ThreadStackPointers
{
    private const int RunningRetries = 3;

    /// <summary>The threads of <paramref name="pid"/>; <paramref name="permitted"/> is false when the syscall files
    /// could not be read (another user's process without CAP_SYS_PTRACE).</summary>
    public static List<ThreadStackPointer> Read(ProcFileReader reader, SafeFileDescriptor procFd, int pid, out bool permitted)
    {
        permitted = true;
        var result = new List<ThreadStackPointer>();
        var tids = new List<int>();
        using (var task = reader.OpenAndListDirectory(procFd, pid, "task"u8, tids, out _))
        {
            if (task is null) return result;
            foreach (int tid in tids)
            {
                string name = reader.Read(task, tid, "comm"u8, out var comm) == 0 ? Encoding.UTF8.GetString(ProcNumber.TrimEnd(comm)) : "";
                ulong? sp = null;
                for (int attempt = 0; attempt <= RunningRetries && sp is null; attempt++)
                {
                    int errno = reader.Read(task, tid, "syscall"u8, out var content);
                    if (errno == Errno.EACCES || errno == Errno.EPERM) { permitted = false; break; }
                    if (errno != 0) break; // the thread exited
                    sp = ParseStackPointer(content);
                    if (sp is null) Thread.Yield(); // running: it may block in a moment
                }
                result.Add(new ThreadStackPointer(tid, name, sp));
            }
        }
        return result;
    }

    /// <summary>The second-to-last field of a syscall file ("202 0x55c4... 0x7f71a7b1ed90 0x7f71a7ba8f16", "-1 sp pc");
    /// null for "running".</summary>
    internal static ulong? ParseStackPointer(ReadOnlySpan<byte> content)
    {
        content = ProcNumber.TrimEnd(content).TrimEnd(" "u8);
        int last = content.LastIndexOf((byte)' ');
        if (last <= 0) return null;
        var before = content[..last];
        int previous = before.LastIndexOf((byte)' ');
        if (previous < 0) return null;
        return ProcNumber.TryParseHex(before[(previous + 1)..], out ulong sp) && sp != 0 ? sp : null;
    }
}
