using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;
using Diag.Linux.Syscalls;

namespace Diag.Linux.Pipes;

/// <summary>
/// Finds the threads of a process that are blocked in a read or write of some of its descriptors, from each
/// thread's /proc/PID/task/TID/syscall line ("NR arg0 arg1 ... sp pc", written only for a thread off the
/// CPU inside a call): the call's number and its descriptor argument. No ptrace, nothing stopped. The file
/// needs ptrace read access, so for other users' processes root or CAP_SYS_PTRACE. For each blocked thread
/// in such a call, its wchan tells a sleeping thread (e.g. pipe_write, unix_stream_read_generic) from one merely
/// preempted there (0), which is not blocked; and its name is read.
/// </summary>
internal sealed class ThreadBlockReader
{
    /// <summary>A thread blocked on descriptor <see cref="Fd"/> of its process, sleeping in <see cref="WaitChannel"/>.</summary>
    public readonly record struct Block(int ThreadId, int Fd, int Syscall, EndpointAccess Direction, string ThreadName, string WaitChannel);

    private readonly ProcFileReader _reader;
    private readonly SafeFileDescriptor _procFd;
    private readonly List<int> _tids = new();

    public ThreadBlockReader(ProcFileReader reader, SafeFileDescriptor procFd)
    {
        _reader = reader;
        _procFd = procFd;
    }

    /// <summary>Adds to <paramref name="into"/> the threads of <paramref name="pid"/> blocked on a descriptor for which
    /// <paramref name="accessOf"/> returns an access (not null). Returns 0, or the errno when the threads'
    /// calls could not be read (EACCES/EPERM: not permitted; ENOENT: the process is gone).</summary>
    public int Read(int pid, Func<int, EndpointAccess?> accessOf, List<Block> into)
    {
        using var taskFd = _reader.OpenAndListDirectory(_procFd, pid, "task"u8, _tids, out int openErrno);
        if (taskFd is null) return openErrno;
        {
            int readable = 0, denied = 0;
            Span<long> arguments = stackalloc long[6];
            foreach (int tid in _tids)
            {
                int errno = _reader.Read(taskFd, tid, "syscall"u8, out var line);
                if (errno is Errno.EACCES or Errno.EPERM) { denied++; continue; }
                if (errno != 0) continue; // the thread exited
                readable++;
                if (!TryParse(line, out int number, arguments)) continue;
                foreach (var argument in BlockingCalls.Of(number))
                {
                    long fd = arguments[argument.Index];
                    if (fd < 0 || fd > int.MaxValue || accessOf((int)fd) is not { } access) continue;
                    // A thread preempted inside the call is runnable, not waiting: its wchan reads 0.
                    if (ReadText(taskFd, tid, "wchan"u8) is not { } waitChannel) break;
                    var direction = argument.Direction != EndpointAccess.None ? argument.Direction
                        : access == EndpointAccess.Write ? EndpointAccess.Write : EndpointAccess.Read;
                    into.Add(new Block(tid, (int)fd, number, direction, ReadText(taskFd, tid, "comm"u8) ?? "", waitChannel));
                    break;
                }
            }
            return denied > 0 && readable == 0 ? Errno.EACCES : 0;
        }
    }

    /// <summary>The call number and its six arguments (into <paramref name="arguments"/>); false for "running" or
    /// "-1 sp pc" (not in a call).</summary>
    internal static bool TryParse(ReadOnlySpan<byte> line, out int number, Span<long> arguments)
    {
        number = -1;
        line = ProcNumber.TrimEnd(line);
        int used = ProcNumber.Parse(line, out long value);
        if (used == 0 || value < 0 || value > int.MaxValue) return false;
        number = (int)value;
        line = line[used..];
        for (int i = 0; i < 6; i++)
        {
            line = line.TrimStart((byte)' ');
            int end = line.IndexOf((byte)' ');
            var token = end < 0 ? line : line[..end];
            if (!ProcNumber.TryParseHex(token, out ulong argument)) return false;
            arguments[i] = (long)argument;
            line = end < 0 ? default : line[end..];
        }
        return true;
    }

    private string? ReadText(SafeFileDescriptor taskFd, int tid, ReadOnlySpan<byte> leaf)
    {
        if (_reader.Read(taskFd, tid, leaf, out var content) != 0) return null;
        var text = ProcNumber.TrimEnd(content);
        return text.IsEmpty || text.SequenceEqual("0"u8) ? null : Encoding.UTF8.GetString(text);
    }

    /// <summary>The call's name for <see cref="BlockedThread.Syscall"/>.</summary>
    public static string NameOf(int number) => SyscallTable.GetName(number);
}
