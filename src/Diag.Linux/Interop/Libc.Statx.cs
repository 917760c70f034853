using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// statx(2): a file's type, mode, owner, inode and size, without following links where asked and without
// waiting on a stale network mount (AT_STATX_DONT_SYNC). Used by Get-PipePeer (the inode behind a
// /proc/PID/fd link), Test-CoreDumpConfig (owners and modes of core directories) and Get-ThreadStack
// (the identity of a mapped file, to cache what was parsed of it).
internal static unsafe partial class Libc
{
    public const int AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100, AT_STATX_SYNC_AS_STAT = 0, AT_STATX_DONT_SYNC = 0x4000;
    public const uint STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_INO = 0x100, STATX_BASIC_STATS = 0x7ff;
    public const ushort S_IFMT = 0xF000, S_IFIFO = 0x1000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFSOCK = 0xC000;

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
    public static partial int StatxAt(int dirFd, byte* path, int flags, uint mask, Statx* result);

    /// <summary>statx(2) by path; with <see cref="AT_EMPTY_PATH"/> and an empty path it describes an open fd.</summary>
    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatxPath(int dirFd, string path, int flags, uint mask, Statx* result);
}
