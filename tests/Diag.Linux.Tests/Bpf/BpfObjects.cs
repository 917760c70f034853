using System.Globalization;
using Diag.Linux.Interop;

namespace Diag.Linux.Tests.Bpf;

/// <summary>What a process holds of the kernel's BPF objects, read without bpftool: its fds by kind
/// (/proc/self/fd link targets: anon_inode:bpf-map, bpf-prog, bpf_link, [eventfd], [pidfd]...), its
/// mappings of BPF objects, and which object ids exist anywhere (BPF_*_GET_NEXT_ID, BPF_*_GET_FD_BY_ID).
/// Other tests and other users load BPF objects at the same time: only ever ask about ids a test created.</summary>
internal static unsafe class BpfObjects
{
    /// <summary>The three kinds of BPF object with ids, and their GET_NEXT_ID and GET_FD_BY_ID commands.</summary>
    public enum Kind
    {
        Program,
        Map,
        Link,
    }

    /// <summary>This process's open fds, counted by what they are (the link target, pipe and socket inode numbers dropped).</summary>
    public static Dictionary<string, int> OpenFds()
    {
        var kinds = new Dictionary<string, int>();
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(entry).LinkTarget;
            }
            catch (IOException)
            {
                continue; // the fd of the directory listing itself, closed meanwhile
            }
            if (target is null)
                continue;
            var kind = target.Contains(":[", StringComparison.Ordinal) && !target.StartsWith("anon_inode", StringComparison.Ordinal)
                ? target[..target.IndexOf(':')]
                : target;
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
        }
        return kinds;
    }

    /// <summary>Lines of /proc/self/maps that map a BPF object (a ring buffer's pages: anon_inode:bpf-map...).</summary>
    public static int BpfMappings() =>
        File.ReadLines("/proc/self/maps").Count(l => l.Contains("anon_inode:bpf", StringComparison.Ordinal));

    /// <summary>The id of the program, map or link behind a bpf fd.</summary>
    public static uint Id(int fd)
    {
        var info = stackalloc byte[16];
        Libc.BpfObjInfoAttr attr = new() { BpfFd = (uint)fd, InfoLength = 16, Info = (ulong)info };
        if (Libc.Bpf(Libc.BPF_OBJ_GET_INFO_BY_FD, &attr) != 0)
            throw SyscallException.FromLastError("bpf(BPF_OBJ_GET_INFO_BY_FD)");
        return *(uint*)(info + 4);
    }

    /// <summary>True while the kernel still has the program (loaded by anyone); false once it was freed.</summary>
    public static bool ProgramExists(uint id) => Exists(Kind.Program, id);

    public static bool MapExists(uint id) => Exists(Kind.Map, id);

    public static bool Exists(Kind kind, uint id)
    {
        Libc.BpfGetFdByIdAttr attr = new() { Id = id };
        var fd = Libc.Bpf(GetFdById(kind), &attr);
        if (fd >= 0)
        {
            Libc.Close(fd);
            return true;
        }
        return Libc.LastErrno != Errno.ENOENT;
    }

    /// <summary>Every id of this kind the kernel has now (BPF_*_GET_NEXT_ID), anyone's.</summary>
    public static HashSet<uint> LiveIds(Kind kind)
    {
        var ids = new HashSet<uint>();
        uint id = 0;
        while (true)
        {
            Libc.BpfGetFdByIdAttr attr = new() { Id = id };
            if (Libc.Bpf(GetNextId(kind), &attr) != 0)
            {
                Assert.Equal(Errno.ENOENT, Libc.LastErrno);
                return ids;
            }
            id = attr.NextId;
            ids.Add(id);
        }
    }

    /// <summary>Waits up to 10 s for the kernel to free objects: it does so after an RCU grace period, which a
    /// loaded machine stretches.</summary>
    public static bool AllGone(IEnumerable<uint> programs, IEnumerable<uint> maps) =>
        AllGone(new Dictionary<Kind, IReadOnlyCollection<uint>> { [Kind.Program] = programs.ToList(), [Kind.Map] = maps.ToList() });

    /// <summary>Waits (up to 30 s: RCU on a loaded machine) until none of <paramref name="created"/> is among the
    /// kernel's live ids, walking the id lists; then says which are left, if any.</summary>
    public static bool AllGone(IReadOnlyDictionary<Kind, IReadOnlyCollection<uint>> created) => Leftovers(created).Count == 0;

    /// <summary>The created ids still alive after waiting up to 30 s for them to go, as "Program 12" strings.</summary>
    public static List<string> Leftovers(IReadOnlyDictionary<Kind, IReadOnlyCollection<uint>> created)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var left = created.SelectMany(c => c.Value.Intersect(LiveIds(c.Key)).Select(id => $"{c.Key} {id}")).ToList();
            if (left.Count == 0 || DateTime.UtcNow > deadline)
                return left;
            Thread.Sleep(20);
        }
    }

    public static string Describe(Dictionary<string, int> fds) =>
        string.Join(", ", fds.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value.ToString(CultureInfo.InvariantCulture)));

    private static int GetNextId(Kind kind) => kind switch
    {
        Kind.Program => Libc.BPF_PROG_GET_NEXT_ID,
        Kind.Map => Libc.BPF_MAP_GET_NEXT_ID,
        _ => Libc.BPF_LINK_GET_NEXT_ID,
    };

    private static int GetFdById(Kind kind) => kind switch
    {
        Kind.Program => Libc.BPF_PROG_GET_FD_BY_ID,
        Kind.Map => Libc.BPF_MAP_GET_FD_BY_ID,
        _ => Libc.BPF_LINK_GET_FD_BY_ID,
    };
}
