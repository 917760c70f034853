using System.Runtime.InteropServices;
using Diag.Linux.Interop;

namespace Diag.Linux.ProcFs;

/// <summary>
/// Reads small /proc files with plain openat/read/close into one reused native buffer, relative
/// to an open directory, so that a sample of thousands of threads allocates nothing per file and
/// makes three system calls per file (proc's seq files hand over everything in one read when the
/// buffer is large enough). Not thread-safe: one reader per sampling thread.
/// </summary>
internal sealed unsafe class ProcFileReader : IDisposable
{
    private const int BufferSize = 32 * 1024;
    private const int PathSize = 512;
    private byte* _buffer;
    private byte* _path;

    public ProcFileReader()
    {
        _buffer = (byte*)NativeMemory.Alloc(BufferSize);
        _path = (byte*)NativeMemory.Alloc(PathSize);
    }

    /// <summary>What the *at calls take for "relative to the current directory" (absolute paths ignore it).</summary>
    public static SafeFileDescriptor CurrentDirectory { get; } = new(Libc.AT_FDCWD, ownsHandle: false);

    /// <summary>Opens a directory given by an absolute path; null (and the errno) when it cannot be opened.</summary>
    public SafeFileDescriptor? OpenDirectory(string path, out int errno)
    {
        var fd = Libc.OpenHandle(path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        return Owned(fd, out errno);
    }

    /// <summary>Opens directory <c>{id}/{leaf}</c> under <paramref name="directory"/>; null (and the errno) when it
    /// cannot be opened (ENOENT: the process or thread is gone).</summary>
    public SafeFileDescriptor? OpenDirectory(SafeFileDescriptor directory, int id, ReadOnlySpan<byte> leaf, out int errno)
    {
        BuildPath(id, leaf);
        return Owned(Libc.OpenAtHandle(directory, _path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC), out errno);
    }

    /// <summary>Reads <c>{id}/{leaf}</c> under <paramref name="directory"/>. Returns 0 and the content
    /// (valid until the next call on this reader), or the errno.</summary>
    public int Read(SafeFileDescriptor directory, int id, ReadOnlySpan<byte> leaf, out ReadOnlySpan<byte> content)
    {
        BuildPath(id, leaf);
        return ReadPath(directory, out content);
    }

    /// <summary>Reads <paramref name="relativePath"/> under <paramref name="directory"/> (or an absolute path, with
    /// <see cref="CurrentDirectory"/>).</summary>
    public int Read(SafeFileDescriptor directory, ReadOnlySpan<byte> relativePath, out ReadOnlySpan<byte> content)
    {
        if (relativePath.Length >= PathSize) { content = default; return Errno.EINVAL; }
        relativePath.CopyTo(new Span<byte>(_path, PathSize));
        _path[relativePath.Length] = 0;
        return ReadPath(directory, out content);
    }

    /// <summary>Opens file <c>{id}/{leaf}</c> under <paramref name="directory"/> to be read again and again with
    /// <see cref="ReadOpen"/>; null (and the errno) when it cannot be opened.</summary>
    public SafeFileDescriptor? OpenFile(SafeFileDescriptor directory, int id, ReadOnlySpan<byte> leaf, out int errno)
    {
        BuildPath(id, leaf);
        return Owned(Libc.OpenAtHandle(directory, _path, Libc.O_RDONLY | Libc.O_CLOEXEC), out errno);
    }

    /// <summary>Reads an open proc file from its start (pread at 0 makes a seq file generate afresh);
    /// returns 0 or the errno (ESRCH once its task has exited).</summary>
    public int ReadOpen(SafeFileDescriptor fd, out ReadOnlySpan<byte> content)
    {
        int total = 0;
        while (total < BufferSize)
        {
            nint n = Libc.PRead(fd, _buffer + total, (nuint)(BufferSize - total), total);
            if (n < 0) { content = default; return Libc.LastErrno; }
            total += (int)n;
            if (n == 0 || total < BufferSize) break;
        }
        content = new ReadOnlySpan<byte>(_buffer, total);
        return 0;
    }

    /// <summary>Reads the target of symlink <c>{id}/{leaf}</c>; returns 0 or the errno.</summary>
    public int ReadLink(SafeFileDescriptor directory, int id, ReadOnlySpan<byte> leaf, out ReadOnlySpan<byte> target)
    {
        BuildPath(id, leaf);
        nint n = Libc.ReadLinkAt(directory, _path, _buffer, BufferSize);
        if (n < 0) { target = default; return Libc.LastErrno; }
        target = new ReadOnlySpan<byte>(_buffer, (int)n);
        return 0;
    }

    /// <summary>Appends the numeric entries of an open directory (PIDs of /proc, TIDs of task/) to
    /// <paramref name="ids"/> from the first entry on; returns 0 or the errno. Reads with getdents64: no per-entry allocation.</summary>
    public int ListNumericEntries(SafeFileDescriptor directory, List<int> ids)
    {
        if (Libc.LSeek(directory, 0, Libc.SEEK_SET) < 0) return Libc.LastErrno; // the fd may have been listed before
        while (true)
        {
            nint n = Libc.GetDents64(directory, _buffer, BufferSize);
            if (n == 0) return 0;
            if (n < 0) return Libc.LastErrno;
            for (nint offset = 0; offset < n;)
            {
                // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
                byte* entry = _buffer + offset;
                ushort length = *(ushort*)(entry + 16);
                byte* name = entry + 19;
                int value = 0;
                bool numeric = *name != 0;
                for (byte* c = name; *c != 0; c++)
                {
                    if (*c < (byte)'0' || *c > (byte)'9' || value > (int.MaxValue - 9) / 10) { numeric = false; break; }
                    value = value * 10 + (*c - '0');
                }
                if (numeric) ids.Add(value);
                offset += length;
            }
        }
    }

    /// <summary>Opens directory <c>{id}/{leaf}</c> under <paramref name="directory"/> and lists its numeric entries into
    /// <paramref name="ids"/> (cleared first); returns the open directory, or null and the errno.</summary>
    public SafeFileDescriptor? OpenAndListDirectory(SafeFileDescriptor directory, int id, ReadOnlySpan<byte> leaf, List<int> ids, out int errno)
    {
        var fd = OpenDirectory(directory, id, leaf, out errno);
        if (fd is null) return null;
        ids.Clear();
        errno = ListNumericEntries(fd, ids);
        if (errno == 0) return fd;
        fd.Dispose();
        return null;
    }

    private static SafeFileDescriptor? Owned(SafeFileDescriptor fd, out int errno)
    {
        if (!fd.IsInvalid) { errno = 0; return fd; }
        errno = Libc.LastErrno;
        fd.Dispose();
        return null;
    }

    // The one descriptor not owned by a SafeFileDescriptor: opened, read and closed here, with nothing between
    // that can throw (a SafeHandle per file would cost an allocation and a finalizer per /proc file read).
    private int ReadPath(SafeFileDescriptor directory, out ReadOnlySpan<byte> content)
    {
        int fd = Libc.OpenAt(directory, _path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) { content = default; return Libc.LastErrno; }
        int total = 0, errno = 0;
        while (total < BufferSize)
        {
            nint n = Libc.Read(fd, _buffer + total, (nuint)(BufferSize - total));
            if (n < 0) { errno = Libc.LastErrno; break; }
            total += (int)n;
            // A short read from a proc seq file means it handed over everything: skip the read that would return 0.
            if (n == 0 || total < BufferSize) break;
        }
        Libc.Close(fd);
        content = errno == 0 ? new ReadOnlySpan<byte>(_buffer, total) : default;
        return errno;
    }

    private void BuildPath(int id, ReadOnlySpan<byte> leaf)
    {
        var path = new Span<byte>(_path, PathSize);
        id.TryFormat(path, out int length, default, System.Globalization.CultureInfo.InvariantCulture);
        if (!leaf.IsEmpty && leaf[0] != (byte)'/') path[length++] = (byte)'/';
        leaf.CopyTo(path[length..]);
        length += leaf.Length;
        path[length] = 0;
    }

    public void Dispose()
    {
        if (_buffer is null) return;
        NativeMemory.Free(_buffer);
        NativeMemory.Free(_path);
        _buffer = null;
        _path = null;
    }
}
