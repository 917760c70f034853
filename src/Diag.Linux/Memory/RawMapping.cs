namespace Diag.Linux.Memory;

/// <summary>Permission bits of a mapping (the maps file's "rwxp"/"rw-s" column).</summary>
[Flags]
internal enum MappingAccess : byte
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
    Shared = 8,
}

/// <summary>
/// One mapping as smaps describes it, kept as a plain struct (no strings but an index into the snapshot's path
/// table) so that a process with tens of thousands of mappings is read without an object per mapping. Sizes in kB,
/// as the file gives them.
/// </summary>
internal struct RawMapping
{
    public ulong Start, End, Offset, Inode;
    public uint DeviceMajor, DeviceMinor;
    public MappingAccess Access;

    /// <summary>Index into <see cref="SmapsSnapshot.Paths"/>; -1 for a mapping without a path column.</summary>
    public int PathIndex;

    public long RssKb, PssKb, SharedCleanKb, SharedDirtyKb, PrivateCleanKb, PrivateDirtyKb, AnonymousKb, SwapKb, LockedKb;

    /// <summary>VmFlags has "ht": a hugetlbfs mapping.</summary>
    public bool Hugetlb;

    public readonly ulong Size => End - Start;
    public readonly bool IsAnonymous => Inode == 0 && PathIndex < 0;
    public readonly bool Readable => (Access & MappingAccess.Read) != 0;
    public readonly bool Writable => (Access & MappingAccess.Write) != 0;
    public readonly bool Executable => (Access & MappingAccess.Execute) != 0;
    public readonly bool IsShared => (Access & MappingAccess.Shared) != 0;

    /// <summary>---p: no access at all (a guard or a reservation).</summary>
    public readonly bool IsInaccessible => (Access & (MappingAccess.Read | MappingAccess.Write | MappingAccess.Execute)) == 0;

    /// <summary>The permissions as maps prints them: "rw-p", "r-xp", "---p", "rw-s".</summary>
    public readonly string PermissionText => string.Create(4, Access, static (span, a) =>
    {
        span[0] = (a & MappingAccess.Read) != 0 ? 'r' : '-';
        span[1] = (a & MappingAccess.Write) != 0 ? 'w' : '-';
        span[2] = (a & MappingAccess.Execute) != 0 ? 'x' : '-';
        span[3] = (a & MappingAccess.Shared) != 0 ? 's' : 'p';
    });
}
