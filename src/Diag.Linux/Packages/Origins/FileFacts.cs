using Diag.Linux.Interop;

namespace Diag.Linux.Packages.Origins;

/// <summary>What statx(2) says of one path, without following a final symlink (lstat) and, for a link, of what it
/// points to (stat): type, mode, size, owner, modification time, and the identity (device, inode) that tells two paths
/// of one file apart from two files.</summary>
internal readonly record struct FileFacts(bool Exists, ushort Mode, long SizeBytes, uint UserId, uint GroupId, ulong Device, ulong Inode,
    DateTime LastWriteTime)
{
    public const ushort TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000, Link = 0xA000;

    public bool IsRegular => Exists && (Mode & TypeMask) == Regular;

    public bool IsDirectory => Exists && (Mode & TypeMask) == Directory;

    public bool IsLink => Exists && (Mode & TypeMask) == Link;

    /// <summary>Some execute bit set (what a shell's PATH search needs, besides access(2)).</summary>
    public bool AnyExecuteBit => (Mode & 0x49) != 0;

    /// <summary>Same file: same device and inode.</summary>
    public bool SameFileAs(FileFacts other) => Exists && other.Exists && Device == other.Device && Inode == other.Inode;

    public static FileFacts Missing => default;

    /// <summary>lstat: the path itself (a link is described as a link).</summary>
    public static FileFacts OfLink(string path) => Read(path, Libc.AT_SYMLINK_NOFOLLOW);

    /// <summary>stat: the file a path leads to (links followed).</summary>
    public static FileFacts Of(string path) => Read(path, 0);

    private static unsafe FileFacts Read(string path, int flags)
    {
        Libc.Statx s;
        if (Libc.StatxPath(path, flags | Libc.AT_STATX_SYNC_AS_STAT, Libc.STATX_BASIC_STATS, &s) != 0) return Missing;
        return new FileFacts(true, s.Mode, (long)s.Size, s.Uid, s.Gid, ((ulong)s.DevMajor << 32) | s.DevMinor, s.Inode,
            DateTimeOffset.FromUnixTimeSeconds(s.ModifySeconds).AddTicks(s.ModifyNanoseconds / 100).LocalDateTime);
    }

    /// <summary>The mode as ls prints it: "-rwxr-xr-x", "lrwxrwxrwx", "-rwsr-xr-x" for setuid.</summary>
    public static string ModeText(uint mode)
    {
        Span<char> text = stackalloc char[10];
        text[0] = (mode & TypeMask) switch
        {
            Regular => '-', Directory => 'd', Link => 'l', 0x2000 => 'c', 0x6000 => 'b', 0x1000 => 'p', 0xC000 => 's', _ => '?',
        };
        const string letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) text[1 + i] = (mode & (1u << (8 - i))) != 0 ? letters[i] : '-';
        if ((mode & 0x800) != 0) text[3] = text[3] == 'x' ? 's' : 'S';
        if ((mode & 0x400) != 0) text[6] = text[6] == 'x' ? 's' : 'S';
        if ((mode & 0x200) != 0) text[9] = text[9] == 'x' ? 't' : 'T';
        return new string(text);
    }
}
