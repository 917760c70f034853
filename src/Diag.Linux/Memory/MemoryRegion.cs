using System.Globalization;

namespace Diag.Linux.Memory;

/// <summary>
/// One mapping of a process (a line of pmap -X, a block of /proc/PID/smaps) with what it is: Kind, the thread a
/// stack belongs to, the glibc arena a heap belongs to, and a Detail that says it in words. Sizes in bytes. From
/// -Interval and -Continuous, only mappings that changed, with how much.
/// </summary>
public sealed class MemoryRegion
{
    internal MemoryRegion(int processId, string processName, in RawMapping m, string? path, MemoryKind kind, int threadId, int arena, string? detail, DateTime timestamp)
    {
        ProcessId = processId;
        ProcessName = processName;
        StartAddress = m.Start;
        EndAddress = m.End;
        SizeBytes = (long)m.Size;
        RssBytes = m.RssKb * 1024;
        PssBytes = m.PssKb * 1024;
        SharedCleanBytes = m.SharedCleanKb * 1024;
        SharedDirtyBytes = m.SharedDirtyKb * 1024;
        PrivateCleanBytes = m.PrivateCleanKb * 1024;
        PrivateDirtyBytes = m.PrivateDirtyKb * 1024;
        AnonymousBytes = m.AnonymousKb * 1024;
        SwapBytes = m.SwapKb * 1024;
        LockedBytes = m.LockedKb * 1024;
        Permissions = m.PermissionText;
        Offset = (long)m.Offset;
        Device = m.DeviceMajor.ToString("x2", CultureInfo.InvariantCulture) + ":" + m.DeviceMinor.ToString("x2", CultureInfo.InvariantCulture);
        Inode = (long)m.Inode;
        Path = path ?? "";
        KindValue = kind;
        ThreadId = threadId == 0 ? null : threadId;
        Arena = arena == 0 ? null : arena;
        Detail = detail ?? "";
        Timestamp = timestamp;
    }

    private MemoryRegion(MemoryRegion current, MemoryChange change, long rssGrowth, long sizeGrowth, long swapGrowth, TimeSpan interval)
    {
        ProcessId = current.ProcessId;
        ProcessName = current.ProcessName;
        StartAddress = current.StartAddress;
        EndAddress = current.EndAddress;
        SizeBytes = current.SizeBytes;
        RssBytes = current.RssBytes;
        PssBytes = current.PssBytes;
        SharedCleanBytes = current.SharedCleanBytes;
        SharedDirtyBytes = current.SharedDirtyBytes;
        PrivateCleanBytes = current.PrivateCleanBytes;
        PrivateDirtyBytes = current.PrivateDirtyBytes;
        AnonymousBytes = current.AnonymousBytes;
        SwapBytes = current.SwapBytes;
        LockedBytes = current.LockedBytes;
        Permissions = current.Permissions;
        Offset = current.Offset;
        Device = current.Device;
        Inode = current.Inode;
        Path = current.Path;
        KindValue = current.KindValue;
        ThreadId = current.ThreadId;
        Arena = current.Arena;
        Detail = current.Detail;
        Timestamp = current.Timestamp;
        ChangeValue = change;
        RssGrowthBytes = rssGrowth;
        SizeGrowthBytes = sizeGrowth;
        SwapGrowthBytes = swapGrowth;
        Interval = interval;
    }

    /// <summary>This mapping as it changed over an interval (for a removed one: as it was, with negative growth).</summary>
    internal MemoryRegion WithGrowth(MemoryChange change, long rssGrowth, long sizeGrowth, long swapGrowth, TimeSpan interval) =>
        new(this, change, rssGrowth, sizeGrowth, swapGrowth, interval);

    public int ProcessId { get; }
    public string ProcessName { get; }

    /// <summary>First address of the mapping (pmap's Address).</summary>
    public ulong StartAddress { get; }

    /// <summary>The address just past its end.</summary>
    public ulong EndAddress { get; }

    /// <summary>Mapped size (virtual: reserved address space, not memory).</summary>
    public long SizeBytes { get; }

    /// <summary>Resident: its pages in RAM now.</summary>
    public long RssBytes { get; }

    /// <summary>Proportional set size: resident bytes, shared pages divided among the processes that map them.</summary>
    public long PssBytes { get; }

    public long SharedCleanBytes { get; }
    public long SharedDirtyBytes { get; }
    public long PrivateCleanBytes { get; }

    /// <summary>Pages only this process has and has written: what a leak grows.</summary>
    public long PrivateDirtyBytes { get; }

    /// <summary>Anonymous pages (not backed by a file).</summary>
    public long AnonymousBytes { get; }

    public long SwapBytes { get; }

    /// <summary>Pages locked in RAM (mlock).</summary>
    public long LockedBytes { get; }

    /// <summary>As maps prints them: "rw-p", "r-xp", "---p" (no access: a guard or reservation), "rw-s" (shared).</summary>
    public string Permissions { get; }

    /// <summary>Offset into the mapped file.</summary>
    public long Offset { get; }

    /// <summary>The mapped file's device, "major:minor" in hex as maps prints it.</summary>
    public string Device { get; }

    public long Inode { get; }

    /// <summary>The maps path column: a file ("/usr/lib/x86_64-linux-gnu/libc.so.6", maybe ending " (deleted)"),
    /// "[heap]", "[stack]", "[vdso]", "[anon:name]", or empty for anonymous memory.</summary>
    public string Path { get; }

    /// <summary>What the mapping is: GlibcArena, MainHeap, ThreadStack, Guard, JavaHeap, CodeCache, File, SharedMemory,
    /// HugePages, Kernel or Anonymous (see <see cref="MemoryKind"/>).</summary>
    public string Kind => KindValue.ToString();

    internal MemoryKind KindValue { get; }

    /// <summary>The thread a ThreadStack or Guard belongs to; null for other kinds or when it was not found.</summary>
    public int? ThreadId { get; }

    /// <summary>The glibc arena (1, 2, ... in address order) a GlibcArena heap belongs to.</summary>
    public int? Arena { get; }

    /// <summary>What the mapping is, in words ("stack of thread 5072 (NatThread)", "arena 3: ...").</summary>
    public string Detail { get; }

    public DateTime Timestamp { get; }

    /// <summary>With -Interval or -Continuous: how it changed (Grew, New, Shrank, Removed); null otherwise.</summary>
    public string? Change => ChangeValue?.ToString();

    internal MemoryChange? ChangeValue { get; }

    /// <summary>With -Interval or -Continuous: RSS now minus RSS before.</summary>
    public long? RssGrowthBytes { get; }

    /// <summary>With -Interval or -Continuous: mapped size now minus before.</summary>
    public long? SizeGrowthBytes { get; }

    /// <summary>With -Interval or -Continuous: swap now minus before.</summary>
    public long? SwapGrowthBytes { get; }

    /// <summary>With -Interval or -Continuous: the time between the two snapshots.</summary>
    public TimeSpan? Interval { get; }

    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{StartAddress:x}-{EndAddress:x} {Permissions} {Kind} {CoreDumps.ByteSize.Format(SizeBytes)} rss {CoreDumps.ByteSize.Format(RssBytes)}");
        if (Path.Length > 0) text += " " + Path;
        else if (Detail.Length > 0) text += " " + Detail;
        if (RssGrowthBytes is { } growth) text += string.Create(CultureInfo.InvariantCulture, $" ({(growth < 0 ? "-" : "+")}{CoreDumps.ByteSize.Format(Math.Abs(growth))} {Change})");
        return text;
    }
}
