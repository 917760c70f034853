using Diag.Linux.Interop;

namespace Diag.Linux.Privileges;

/// <summary>What reading one file's capabilities gave: the capabilities, none (the usual case), or why not.</summary>
public readonly record struct FileCapabilityResult(string Path, FileCapability? Capability, string? Problem, bool NotFound = false);

/// <summary>
/// Reads files' security.capability attributes (lgetxattr: a symlink has none of its own and is not followed, as
/// getcap -r does not follow links), one path or a whole tree, yielding only files that have capabilities, as getcap -r
/// prints only those.
/// </summary>
public static class FileCapabilityReader
{
    private const string Attribute = "security.capability";

    /// <summary>One path: its capabilities, null Capability when it has none, or a problem.</summary>
    public static unsafe FileCapabilityResult Read(string path)
    {
        Span<byte> buffer = stackalloc byte[64];
        nint length;
        fixed (byte* b = buffer) length = Libc.LGetXattr(path, Attribute, b, (nuint)buffer.Length);
        if (length < 0)
        {
            int errno = Libc.LastErrno;
            return errno switch
            {
                Libc.ENODATA or Errno.EOPNOTSUPP => new FileCapabilityResult(path, null, null),
                Errno.ENOENT or Errno.ENOTDIR => new FileCapabilityResult(path, null, $"Cannot find path '{path}'.", NotFound: true),
                _ => new FileCapabilityResult(path, null, $"Cannot read the capabilities of {path}: {Errno.GetDescription(errno)}."),
            };
        }
        var data = FileCapabilityData.Decode(buffer[..(int)length]);
        return data is null
            ? new FileCapabilityResult(path, null, $"{path} has a security.capability attribute of {length} bytes that is no revision the kernel writes.")
            : new FileCapabilityResult(path, new FileCapability(path, data.Value), null);
    }

    /// <summary>Every file with capabilities under <paramref name="directory"/> (getcap -r), one directory at a time; an
    /// unreadable directory is a problem, and the walk goes on. Directories are read with getdents64 and each regular
    /// file's attribute with one lgetxattr (getcap's nftw also stats every file): d_type says what an entry is, and
    /// symlinks are never followed.</summary>
    public static IEnumerable<FileCapabilityResult> ReadTree(string directory, CancellationToken cancel)
    {
        var pending = new Stack<string>();
        pending.Push(directory.Length > 1 ? directory.TrimEnd('/') : directory);
        var subdirectories = new List<string>();
        var found = new List<FileCapabilityResult>();
        using var walker = new TreeWalker();
        while (pending.Count > 0)
        {
            cancel.ThrowIfCancellationRequested();
            subdirectories.Clear();
            found.Clear();
            walker.Read(pending.Pop(), subdirectories, found);
            foreach (var result in found) yield return result;
            for (int i = subdirectories.Count - 1; i >= 0; i--) pending.Push(subdirectories[i]);
        }
    }

    /// <summary>Reads directories with getdents64 into one reused buffer, and builds each file's path in bytes.</summary>
    private sealed unsafe class TreeWalker : IDisposable
    {
        private const int BufferSize = 64 * 1024, PathSize = 8192;
        private const byte DtUnknown = 0, DtDir = 4, DtReg = 8;
        private readonly byte* _entries = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc(BufferSize);
        private readonly byte* _path = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc(PathSize);
        private static readonly byte[] AttributeName = "security.capability\0"u8.ToArray();

        public void Read(string directory, List<string> subdirectories, List<FileCapabilityResult> found)
        {
            using var fd = Libc.OpenHandle(directory, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC | Libc.O_NOFOLLOW);
            if (fd.IsInvalid)
            {
                int errno = Libc.LastErrno;
                if (errno != Errno.ENOENT) found.Add(new FileCapabilityResult(directory, null, $"Cannot list {directory}: {Errno.GetDescription(errno)}."));
                return;
            }
            int prefix = System.Text.Encoding.UTF8.GetBytes(directory == "/" ? "" : directory, new Span<byte>(_path, PathSize - 1));
            _path[prefix++] = (byte)'/';
            Span<byte> value = stackalloc byte[64];
            while (true)
            {
                nint n = Libc.GetDents64(fd, _entries, BufferSize);
                if (n <= 0)
                {
                    if (n < 0) found.Add(new FileCapabilityResult(directory, null, $"Cannot list {directory}: {Errno.GetDescription(Libc.LastErrno)}."));
                    return;
                }
                for (nint offset = 0; offset < n;)
                {
                    // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
                    byte* entry = _entries + offset;
                    offset += *(ushort*)(entry + 16);
                    byte type = entry[18];
                    var name = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + 19);
                    if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8) || prefix + name.Length + 1 >= PathSize) continue;
                    name.CopyTo(new Span<byte>(_path + prefix, name.Length));
                    _path[prefix + name.Length] = 0;
                    if (type == DtUnknown) type = TypeOf(_path);
                    if (type == DtDir) subdirectories.Add(PathText(prefix + name.Length));
                    else if (type == DtReg) ReadFile(prefix + name.Length, value, found);
                }
            }
        }

        private void ReadFile(int length, Span<byte> value, List<FileCapabilityResult> found)
        {
            nint read;
            fixed (byte* name = AttributeName)
            fixed (byte* buffer = value)
                read = Libc.LGetXattr(_path, name, buffer, (nuint)value.Length);
            if (read < 0)
            {
                int errno = Libc.LastErrno;
                if (errno is not (Libc.ENODATA or Errno.EOPNOTSUPP or Errno.ENOENT))
                    found.Add(new FileCapabilityResult(PathText(length), null, $"Cannot read the capabilities of {PathText(length)}: {Errno.GetDescription(errno)}."));
                return;
            }
            var path = PathText(length);
            var data = FileCapabilityData.Decode(value[..(int)read]);
            found.Add(data is null
                ? new FileCapabilityResult(path, null, $"{path} has a security.capability attribute of {read} bytes that is no revision the kernel writes.")
                : new FileCapabilityResult(path, new FileCapability(path, data.Value), null));
        }

        /// <summary>The type of an entry whose file system gives no d_type (lstat).</summary>
        private static byte TypeOf(byte* path)
        {
            Libc.Statx s;
            if (Libc.StatxAt(ProcFs.ProcFileReader.CurrentDirectory, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_TYPE, &s) != 0) return 0;
            return (s.Mode & Libc.S_IFMT) switch { Libc.S_IFDIR => DtDir, Libc.S_IFREG => DtReg, _ => 0 };
        }

        private string PathText(int length) => System.Text.Encoding.UTF8.GetString(_path, length);

        public void Dispose()
        {
            System.Runtime.InteropServices.NativeMemory.Free(_entries);
            System.Runtime.InteropServices.NativeMemory.Free(_path);
        }
    }
}
