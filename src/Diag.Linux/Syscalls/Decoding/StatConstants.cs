// Values from the x86_64 Linux UAPI headers (linux/stat.h, sys/stat.h, linux/magic.h, sys/statvfs.h),
// printed by a C program from the macros; names and order as strace's xlat tables.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Names for the stat, statx and statfs families.</summary>
internal static class StatConstants
{
    public static readonly ValueNames FileTypes = new(
        ("S_IFREG", 0x8000),
        ("S_IFSOCK", 0xc000),
        ("S_IFIFO", 0x1000),
        ("S_IFLNK", 0xa000),
        ("S_IFDIR", 0x4000),
        ("S_IFBLK", 0x6000),
        ("S_IFCHR", 0x2000));

    /// <summary>STATX_* request and result masks; the composites first, as strace prefers them.</summary>
    public static readonly FlagSet StatxMask = new("0",
        ("STATX_ALL", 0xfff),
        ("STATX_BASIC_STATS", 0x7ff),
        ("STATX_TYPE", 0x1),
        ("STATX_MODE", 0x2),
        ("STATX_NLINK", 0x4),
        ("STATX_UID", 0x8),
        ("STATX_GID", 0x10),
        ("STATX_ATIME", 0x20),
        ("STATX_MTIME", 0x40),
        ("STATX_CTIME", 0x80),
        ("STATX_INO", 0x100),
        ("STATX_SIZE", 0x200),
        ("STATX_BLOCKS", 0x400),
        ("STATX_BTIME", 0x800),
        ("STATX_MNT_ID", 0x1000),
        ("STATX_DIOALIGN", 0x2000),
        ("STATX_MNT_ID_UNIQUE", 0x4000),
        ("STATX_SUBVOL", 0x8000),
        ("STATX_WRITE_ATOMIC", 0x10000));

    public static readonly FlagSet StatxAttributes = new("0",
        ("STATX_ATTR_COMPRESSED", 0x4),
        ("STATX_ATTR_IMMUTABLE", 0x10),
        ("STATX_ATTR_APPEND", 0x20),
        ("STATX_ATTR_NODUMP", 0x40),
        ("STATX_ATTR_ENCRYPTED", 0x800),
        ("STATX_ATTR_AUTOMOUNT", 0x1000),
        ("STATX_ATTR_MOUNT_ROOT", 0x2000),
        ("STATX_ATTR_VERITY", 0x100000),
        ("STATX_ATTR_DAX", 0x200000),
        ("STATX_ATTR_WRITE_ATOMIC", 0x400000));

    /// <summary>statx's sync type (the AT_STATX_SYNC_TYPE field of flags).</summary>
    public static readonly ValueNames StatxSyncTypes = new(
        ("AT_STATX_SYNC_AS_STAT", 0x0),
        ("AT_STATX_FORCE_SYNC", 0x2000),
        ("AT_STATX_DONT_SYNC", 0x4000));

    public const ulong StatxSyncTypeMask = 0x6000;

    public static readonly FlagSet StatfsFlags = new("0",
        ("ST_VALID", 0x20),
        ("ST_RDONLY", 0x1),
        ("ST_NOSUID", 0x2),
        ("ST_NODEV", 0x4),
        ("ST_NOEXEC", 0x8),
        ("ST_SYNCHRONOUS", 0x10),
        ("ST_MANDLOCK", 0x40),
        ("ST_NOATIME", 0x400),
        ("ST_NODIRATIME", 0x800),
        ("ST_RELATIME", 0x1000),
        ("ST_NOSYMFOLLOW", 0x2000));

    /// <summary>statfs's f_type: the magic numbers of the common file systems.</summary>
    public static readonly ValueNames FileSystemMagic = new(
        ("EXT2_SUPER_MAGIC", 0xef53),
        ("TMPFS_MAGIC", 0x01021994),
        ("PROC_SUPER_MAGIC", 0x9fa0),
        ("SYSFS_MAGIC", 0x62656572),
        ("DEVPTS_SUPER_MAGIC", 0x1cd1),
        ("OVERLAYFS_SUPER_MAGIC", 0x794c7630),
        ("BTRFS_SUPER_MAGIC", 0x9123683e),
        ("XFS_SUPER_MAGIC", 0x58465342),
        ("CGROUP_SUPER_MAGIC", 0x27e0eb),
        ("CGROUP2_SUPER_MAGIC", 0x63677270),
        ("NFS_SUPER_MAGIC", 0x6969),
        ("SQUASHFS_MAGIC", 0x73717368),
        ("RAMFS_MAGIC", 0x858458f6),
        ("DEBUGFS_MAGIC", 0x64626720),
        ("TRACEFS_MAGIC", 0x74726163),
        ("SECURITYFS_MAGIC", 0x73636673),
        ("SELINUX_MAGIC", 0xf97cff8c),
        ("BPF_FS_MAGIC", 0xcafe4a11),
        ("HUGETLBFS_MAGIC", 0x958458f6),
        ("MQUEUE_MAGIC", 0x19800202),
        ("FUSE_SUPER_MAGIC", 0x65735546),
        ("ZFS_SUPER_MAGIC", 0x2fc12fc1),
        ("V9FS_MAGIC", 0x01021997),
        ("CODA_SUPER_MAGIC", 0x73757245),
        ("ISOFS_SUPER_MAGIC", 0x9660),
        ("MSDOS_SUPER_MAGIC", 0x4d44),
        ("SMB2_SUPER_MAGIC", 0xfe534d42),
        ("CIFS_SUPER_MAGIC", 0xff534d42),
        ("NSFS_MAGIC", 0x6e736673),
        ("PIPEFS_MAGIC", 0x50495045),
        ("SOCKFS_MAGIC", 0x534f434b),
        ("ANON_INODE_FS_MAGIC", 0x09041934),
        ("EFIVARFS_MAGIC", 0xde5e81e4),
        ("CONFIGFS_MAGIC", 0x62656570),
        ("PSTOREFS_MAGIC", 0x6165676c),
        ("BINFMTFS_MAGIC", 0x42494e4d),
        ("AUTOFS_SUPER_MAGIC", 0x0187),
        ("F2FS_SUPER_MAGIC", 0xf2f52010),
        ("EROFS_SUPER_MAGIC_V1", 0xe0f5e1e2));
}
