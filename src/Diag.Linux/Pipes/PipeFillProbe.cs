using Diag.Linux.Interop;

namespace Diag.Linux.Pipes;

/// <summary>
/// How many bytes wait in a pipe and how large it is, without reading them.
/// <para>Neither /proc/PID/fdinfo nor any other file shows a pipe's fill. FIONREAD and F_GETPIPE_SZ need a
/// descriptor on the pipe in this process, and how it is obtained matters:</para>
/// <list type="bullet">
/// <item>Opening /proc/PID/fd/N (even O_RDONLY|O_NONBLOCK) creates a new open file: the kernel counts it as
/// an extra reader (or writer) for as long as it is open. A writer whose reader is gone would then block or
/// succeed instead of getting EPIPE, and a process blocked opening a FIFO would be released by it. Not used.</item>
/// <item>pidfd_getfd(2) (Linux 5.6) duplicates the target's own descriptor: the same open file, so the
/// pipe's reader and writer counts do not change, and nothing is read or written. The copy is closed at once
/// (FIONREAD and F_GETPIPE_SZ in between, microseconds). Were the target to close its descriptor in that
/// instant, the pipe's end would close when ours does, microseconds later. Used.</item>
/// </list>
/// pidfd_getfd needs the permission ptrace attach needs (same user and no Yama restriction, or
/// CAP_SYS_PTRACE) but does not trace or stop the target. Without it the fill is unknown (null).
/// Holds one pidfd per process until disposed; not thread-safe.
/// </summary>
internal sealed unsafe class PipeFillProbe : IDisposable
{
    private const int ESTALE = 116;
    private readonly Dictionary<int, SafeFileDescriptor> _pidFds = new();

    /// <summary>Reads the fill and size of the pipe <paramref name="inode"/> through descriptor <paramref name="fd"/>
    /// of <paramref name="pid"/>; 0, or the errno (ESRCH/EBADF: gone; EPERM: not permitted; ENOSYS: old kernel;
    /// ESTALE: the descriptor now names another file).</summary>
    public int TryRead(int pid, int fd, ulong inode, out long buffered, out long capacity)
    {
        buffered = capacity = 0;
        if (!_pidFds.TryGetValue(pid, out var pidFd))
        {
            int opened = Libc.PidFdOpen(pid);
            if (opened < 0) return Libc.LastErrno;
            _pidFds[pid] = pidFd = new SafeFileDescriptor(opened);
        }
        int copied = Libc.PidFdGetFd(pidFd, fd);
        if (copied < 0) return Libc.LastErrno;
        using var copy = new SafeFileDescriptor(copied);
        {
            Libc.Statx stat;
            byte empty = 0;
            if (Libc.StatxAt(copy, &empty, Libc.AT_EMPTY_PATH, Libc.STATX_INO, &stat) != 0) return Libc.LastErrno;
            if (stat.Inode != inode) return ESTALE; // the target closed fd and opened something else since the scan
            int count;
            if (Libc.IoctlInt(copy, Libc.FIONREAD, &count) != 0) return Libc.LastErrno;
            int size = Libc.Fcntl(copy, Libc.F_GETPIPE_SZ, 0);
            if (size < 0) return Libc.LastErrno;
            buffered = count;
            capacity = size;
            return 0;
        }
    }

    public void Dispose()
    {
        foreach (var pidFd in _pidFds.Values) pidFd.Dispose();
        _pidFds.Clear();
    }
}
