using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Pipes;

/// <summary>
/// Reads one process's descriptor table from /proc/PID/fd (the process's, not each thread's: threads share
/// it unless created without CLONE_FILES). One readlink per descriptor tells pipes and sockets by their
/// "pipe:[inode]" / "socket:[inode]" text; a path is stat()ed (without syncing, so a dead NFS server cannot
/// hang the scan) only when a FIFO is wanted. The access mode comes from the link's own permission bits,
/// which the kernel sets from the open file's FMODE_READ/FMODE_WRITE (r-x: read, -wx: write, rwx: both), as
/// lsof does: one lstat, no fdinfo text to parse. A descriptor closed between two reads is skipped.
/// </summary>
internal sealed unsafe class DescriptorScanner
{
    private readonly ProcFileReader _reader;
    private readonly SafeFileDescriptor _procFd;
    private readonly List<int> _fds = new();

    public DescriptorScanner(ProcFileReader reader, SafeFileDescriptor procFd)
    {
        _reader = reader;
        _procFd = procFd;
    }

    /// <summary>Adds the wanted descriptors of process <paramref name="pid"/> to <paramref name="into"/>;
    /// <paramref name="others"/> receives those of <paramref name="othersOf"/> that are open on something else.
    /// Returns 0, or the errno (ENOENT/ESRCH: gone; EACCES/EPERM: not permitted).</summary>
    public int Scan(int pid, DescriptorFilter filter, List<OpenDescriptor> into, List<OtherDescriptor>? others = null, IReadOnlySet<int>? othersOf = null)
    {
        using var dirFd = _reader.OpenAndListDirectory(_procFd, pid, "fd"u8, _fds, out int errno);
        if (dirFd is null) return errno;
        {
            byte* name = stackalloc byte[16];
            int read = 0, denied = 0;
            foreach (int fd in _fds)
            {
                // /proc/PID/fd lists for anyone who may read the directory, but each link needs ptrace read access:
                // a process with capabilities this session lacks (PID 1 to a root without CAP_SYS_RESOURCE) lists and refuses.
                int linkErrno = _reader.ReadLink(dirFd, fd, default, out var target);
                if (linkErrno is Errno.EACCES or Errno.EPERM) { denied++; continue; }
                if (linkErrno != 0) continue; // closed meanwhile
                read++;
                var kind = DescriptorLink.Parse(target, out ulong inode);
                FormatName(fd, name);
                switch (kind)
                {
                    case DescriptorLink.Kind.Pipe when filter.Wants(ChannelKey.Pipe(inode)):
                        if (TryAccess(dirFd, name, out var access)) into.Add(new OpenDescriptor(pid, fd, ChannelKey.Pipe(inode), access, null));
                        break;
                    case DescriptorLink.Kind.Socket when filter.Wants(ChannelKey.Socket(inode)):
                        // Sockets are always open for both; shutdown(2) state comes from sock_diag.
                        into.Add(new OpenDescriptor(pid, fd, ChannelKey.Socket(inode), EndpointAccess.ReadWrite, null));
                        break;
                    case DescriptorLink.Kind.Path when filter.WantsFifos:
                        string path = Encoding.UTF8.GetString(target);
                        if (TryFifo(dirFd, name, out var key) && filter.Wants(key))
                        {
                            if (TryAccess(dirFd, name, out access) && access != EndpointAccess.None)
                                into.Add(new OpenDescriptor(pid, fd, key, access, path));
                        }
                        else if (othersOf?.Contains(fd) == true) others?.Add(new OtherDescriptor(pid, fd, path));
                        break;
                    default:
                        if (othersOf?.Contains(fd) == true && kind is DescriptorLink.Kind.Other or DescriptorLink.Kind.Path)
                            others?.Add(new OtherDescriptor(pid, fd, Encoding.UTF8.GetString(target)));
                        break;
                }
            }
            return denied > 0 && read == 0 ? Errno.EACCES : 0;
        }
    }

    /// <summary>Read/write from the link's permission bits (lstat), which /proc sets from the file's mode.</summary>
    private static bool TryAccess(SafeFileDescriptor dirFd, byte* name, out EndpointAccess access)
    {
        Libc.Statx stat;
        access = EndpointAccess.None;
        if (Libc.StatxAt(dirFd, name, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_MODE, &stat) != 0) return false;
        if ((stat.Mode & 0x100) != 0) access |= EndpointAccess.Read;  // S_IRUSR
        if ((stat.Mode & 0x80) != 0) access |= EndpointAccess.Write;  // S_IWUSR
        return true;
    }

    /// <summary>Follows the link; true when it is a FIFO, with its device and inode.</summary>
    private static bool TryFifo(SafeFileDescriptor dirFd, byte* name, out ChannelKey key)
    {
        Libc.Statx stat;
        key = default;
        if (Libc.StatxAt(dirFd, name, Libc.AT_STATX_DONT_SYNC, Libc.STATX_TYPE | Libc.STATX_INO, &stat) != 0) return false;
        if ((stat.Mode & Libc.S_IFMT) != Libc.S_IFIFO) return false;
        key = new ChannelKey(ChannelType.Fifo, (ulong)stat.DevMajor << 32 | stat.DevMinor, stat.Inode);
        return true;
    }

    private static void FormatName(int fd, byte* into)
    {
        var span = new Span<byte>(into, 15);
        fd.TryFormat(span, out int length, default, System.Globalization.CultureInfo.InvariantCulture);
        into[length] = 0;
    }
}
