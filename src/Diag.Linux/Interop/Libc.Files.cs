using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// Files and directories: open/read/close relative to open directories (/proc is read this way), symlinks,
// directory listing without allocations, statx/statvfs, pipes, fcntl and ioctl on descriptors.
internal static unsafe partial class Libc
{
    public const int O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_TRUNC = 0x200, O_NONBLOCK = 0x800,
        O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000;

    public const int AT_FDCWD = -100;

    public const int X_OK = 1;

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    /// <summary>open(2) of a path the caller then owns; invalid (and errno set) on failure.</summary>
    public static SafeFileDescriptor OpenHandle(string path, int flags) => new(Open(path, flags));

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenWithMode(string path, int flags, uint mode);

    /// <summary>openat(2) for a descriptor read and closed at once by the caller.</summary>
    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(SafeFileDescriptor directory, byte* path, int flags);

    /// <summary>openat(2) for a descriptor the caller keeps; invalid (and errno set) on failure. (Not a SafeHandle return:
    /// the marshaller would read the C int as a pointer-sized value and -1 would not look invalid.)</summary>
    public static SafeFileDescriptor OpenAtHandle(SafeFileDescriptor directory, byte* path, int flags) => new(OpenAt(directory, path, flags));

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(SafeFileDescriptor fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "pread", SetLastError = true)]
    public static partial nint PRead(SafeFileDescriptor fd, byte* buffer, nuint count, long offset);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(SafeFileDescriptor fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint ReadLinkAt(SafeFileDescriptor directory, byte* path, byte* buffer, nuint size);

    /// <summary>Reads <c>struct linux_dirent64</c> records of an open directory into <paramref name="buffer"/>;
    /// returns the bytes filled, 0 at the end, -1 on error.</summary>
    [LibraryImport(Lib, EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint GetDents64(SafeFileDescriptor directory, byte* buffer, nuint count);

    public const int SEEK_SET = 0;

    [LibraryImport(Lib, EntryPoint = "lseek", SetLastError = true)]
    public static partial long LSeek(SafeFileDescriptor fd, long offset, int whence);

    [LibraryImport(Lib, EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Access(string path, int mode);

    [LibraryImport(Lib, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    public const int F_GETPIPE_SZ = 1032;

    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(SafeFileDescriptor fd, int command, long argument);

    public const int FIONREAD = 0x541B;

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlInt(SafeFileDescriptor fd, nuint request, int* value);

    // statx(2): a file's type, mode, owner, inode and size, without following links where asked and without
    // waiting on a stale network mount (AT_STATX_DONT_SYNC).
    public const int AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100, AT_STATX_SYNC_AS_STAT = 0, AT_STATX_DONT_SYNC = 0x4000;
    public const uint STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_INO = 0x100, STATX_BASIC_STATS = 0x7ff;
    public const ushort S_IFMT = 0xF000, S_IFIFO = 0x1000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xA000, S_IFSOCK = 0xC000;

    /// <summary><c>struct statx</c> (linux/stat.h, 256 bytes, the same on every architecture).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct Statx
    {
        public uint Mask, BlockSize;
        public ulong Attributes;
        public uint Links, Uid, Gid;
        public ushort Mode, Spare0;
        public ulong Inode, Size, Blocks, AttributesMask;
        public long AccessSeconds; public uint AccessNanoseconds; private int _pad0;
        public long BirthSeconds; public uint BirthNanoseconds; private int _pad1;
        public long ChangeSeconds; public uint ChangeNanoseconds; private int _pad2;
        public long ModifySeconds; public uint ModifyNanoseconds; private int _pad3;
        public uint RdevMajor, RdevMinor, DevMajor, DevMinor;
    }

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true)]
    public static partial int StatxAt(SafeFileDescriptor directory, byte* path, int flags, uint mask, Statx* result);

    /// <summary>statx(2) by path, absolute or relative to the current directory.</summary>
    public static int StatxPath(string path, int flags, uint mask, Statx* result) =>
        StatxPath(ProcFs.ProcFileReader.CurrentDirectory, path, flags, mask, result);

    /// <summary>statx(2) by path; with <see cref="AT_EMPTY_PATH"/> and an empty path it describes an open descriptor.</summary>
    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatxPath(SafeFileDescriptor directory, string path, int flags, uint mask, Statx* result);

    /// <summary>statx(2) of a file .NET opened (File.OpenHandle), with <see cref="AT_EMPTY_PATH"/> and an empty path.</summary>
    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatxPath(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, int flags, uint mask, Statx* result);

    public const ulong ST_RDONLY = 1;

    /// <summary><c>struct statvfs</c> on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatVfs
    {
        public ulong BlockSize, FragmentSize, Blocks, BlocksFree, BlocksAvailable, Files, FilesFree, FilesAvailable, FsId, Flags, NameMax;
        private fixed int _spare[6];
    }

    [LibraryImport(Lib, EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatVfsCall(string path, StatVfs* buffer);
}
