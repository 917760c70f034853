using Diag.Linux.Interop;

namespace Diag.Linux.CoreDumps;

/// <summary>What the kernel will find when it creates a core file in a directory with given credentials.</summary>
internal readonly record struct DirectoryState(
    int Errno, bool IsDirectory, bool ReadOnly, bool Writable, uint Owner, uint Group, int Permissions, ulong? FreeBytes)
{
    public bool Exists => Errno == 0;

    /// <summary>Checks a directory (a path on this machine) for a writer with these ids: owner, group or other write and
    /// search bits, or CAP_DAC_OVERRIDE; a read-only mount stops everyone. POSIX ACLs are not evaluated (-Verify sees them).</summary>
    public static unsafe DirectoryState Check(string hostPath, uint fsUid, uint fsGid, IReadOnlyCollection<uint> groups, bool overridesPermissions)
    {
        var identity = MachineRoot.Stat(hostPath, out int errno);
        if (identity is not { } id) return new DirectoryState(errno, false, false, false, 0, 0, 0, null);
        Libc.StatVfs vfs;
        bool haveVfs = Libc.StatVfsCall(hostPath, &vfs) == 0;
        bool readOnly = haveVfs && (vfs.Flags & Libc.ST_RDONLY) != 0;
        ulong? free = haveVfs ? (overridesPermissions ? vfs.BlocksFree : vfs.BlocksAvailable) * vfs.FragmentSize : null;
        int perms = id.Permissions;
        bool writable = !readOnly && id.IsDirectory && (overridesPermissions ||
            (id.Uid == fsUid ? (perms & 0x180 /* 0300 */) == 0x180 :
             id.Gid == fsGid || groups.Contains(id.Gid) ? (perms & 0x18 /* 0030 */) == 0x18 :
             (perms & 0x3 /* 0003 */) == 0x3));
        return new DirectoryState(0, id.IsDirectory, readOnly, writable, id.Uid, id.Gid, perms, free);
    }
}
