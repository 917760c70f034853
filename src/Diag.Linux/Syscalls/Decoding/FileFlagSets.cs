// Values generated from the x86_64 Linux UAPI headers in /usr/include (linux/fcntl.h, linux/fs.h, unistd.h) with a C program
// printing each macro, so they are the compiler's values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Flags and enumerations of the file syscalls (open, *at, access, lseek, rename, fcntl).</summary>
internal static class FileFlagSets
{
    /// <summary>open/openat flags above the access mode (O_ACCMODE), in strace order.</summary>
    public static readonly FlagSet OpenFlagsWithoutAccessMode = new("0",
        ("O_CREAT", 0x40),
        ("O_EXCL", 0x80),
        ("O_NOCTTY", 0x100),
        ("O_TRUNC", 0x200),
        ("O_APPEND", 0x400),
        ("O_NONBLOCK", 0x800),
        ("O_SYNC", 0x101000),
        ("O_DSYNC", 0x1000),
        ("O_ASYNC", 0x2000),
        ("O_DIRECT", 0x4000),
        ("O_LARGEFILE", 0x8000),
        ("O_TMPFILE", 0x410000),
        ("O_DIRECTORY", 0x10000),
        ("O_NOFOLLOW", 0x20000),
        ("O_NOATIME", 0x40000),
        ("O_CLOEXEC", 0x80000),
        ("O_PATH", 0x200000));

    public const ulong AccessModeMask = 0x3;
    public const ulong O_CREAT = 0x40, O_TMPFILE = 0x410000;

    /// <summary>The access mode (flags &amp; O_ACCMODE); O_RDONLY is 0.</summary>
    public static readonly ValueNames AccessModes = new(
        ("O_RDONLY", 0),
        ("O_WRONLY", 1),
        ("O_RDWR", 2));

    /// <summary>AT_* flags of the *at syscalls (AT_EACCESS and AT_REMOVEDIR share 0x200 and have their own sets).</summary>
    public static readonly FlagSet AtFlags = new("0",
        ("AT_SYMLINK_NOFOLLOW", 0x100),
        ("AT_SYMLINK_FOLLOW", 0x400),
        ("AT_NO_AUTOMOUNT", 0x800),
        ("AT_EMPTY_PATH", 0x1000),
        ("AT_STATX_FORCE_SYNC", 0x2000),
        ("AT_STATX_DONT_SYNC", 0x4000),
        ("AT_RECURSIVE", 0x8000));

    /// <summary>unlinkat flags.</summary>
    public static readonly FlagSet UnlinkAtFlags = new("0",
        ("AT_REMOVEDIR", 0x200));

    /// <summary>faccessat2 flags.</summary>
    public static readonly FlagSet FaccessatFlags = new("0",
        ("AT_SYMLINK_NOFOLLOW", 0x100),
        ("AT_EACCESS", 0x200),
        ("AT_EMPTY_PATH", 0x1000));

    public const long AtFdCwd = -100;

    /// <summary>access/faccessat mode, in strace's order (R_OK|W_OK|X_OK).</summary>
    public static readonly FlagSet AccessModeBits = new("F_OK",
        ("R_OK", 0x4),
        ("W_OK", 0x2),
        ("X_OK", 0x1));

    /// <summary>lseek whence.</summary>
    public static readonly ValueNames SeekWhence = new(
        ("SEEK_SET", 0),
        ("SEEK_CUR", 1),
        ("SEEK_END", 2),
        ("SEEK_DATA", 3),
        ("SEEK_HOLE", 4));

    /// <summary>renameat2 flags.</summary>
    public static readonly FlagSet RenameFlags = new("0",
        ("RENAME_NOREPLACE", 0x1),
        ("RENAME_EXCHANGE", 0x2),
        ("RENAME_WHITEOUT", 0x4));

    /// <summary>dup3 flags.</summary>
    public static readonly FlagSet CloexecFlags = new("0",
        ("O_CLOEXEC", 0x80000));

    /// <summary>pipe2 flags.</summary>
    public static readonly FlagSet Pipe2Flags = new("0",
        ("O_NONBLOCK", 0x800),
        ("O_DIRECT", 0x4000),
        ("O_CLOEXEC", 0x80000));

    /// <summary>fcntl F_SETFD argument.</summary>
    public static readonly FlagSet FdFlags = new("0",
        ("FD_CLOEXEC", 0x1));
}
