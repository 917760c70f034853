using System.Runtime.InteropServices;

namespace Diag.Linux.Interop;

// statx(2): a file's type, mode, owner, inode and size, without following links where asked and without
// waiting on a stale network mount (AT_STATX_DONT_SYNC). Used by Get-PipePeer (the inode behind a
// /proc/PID/fd link) and Test-CoreDumpConfig (owners and modes of core directories).
internal static unsafe partial class Libc
{
    public const int AT_SYMLINK_NOFOLLOW = 0x100, AT_STATX_SYNC_AS_STAT = 0, AT_STATX_DONT_SYNC = 0x4000;
    public const uint STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_INO = 0x100, STATX_BASIC_STATS = 0x7ff;
    public const ushort S_IFMT = 0xF000, S_IFIFO = 0x1000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFSOCK = 0xC000;

    /// <summary><c>struct statx</c> (linux/stat.h, 256 bytes, the same on every architecture); only the
    /// fields Diag reads are named.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct Statx
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public uint Gid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(112)] public long ModifiedSeconds;
        [FieldOffset(136)] public uint DeviceMajor;
        [FieldOffset(140)] public uint DeviceMinor;
    }

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true)]
    public static partial int StatxAt(int dirFd, byte* path, int flags, uint mask, Statx* result);

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int StatxPath(int dirFd, string path, int flags, uint mask, Statx* result);
}
