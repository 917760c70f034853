using System.Globalization;
using Diag.Linux.Interop;

namespace Diag.Linux.Tests.Bpf;

/// <summary>What a process holds of the kernel's BPF objects, read without bpftool: its fds by kind
/// (/proc/self/fd link targets: anon_inode:bpf-map, bpf-prog, bpf_link, [eventfd], [pidfd]...), and
/// whether an object id still exists anywhere (BPF_*_GET_FD_BY_ID).</summary>
internal static unsafe class BpfObjects
{
    private const int ProgGetFdById = 13, MapGetFdById = 14;

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

    /// <summary>The id of the program, map or link behind a bpf fd.</summary>
    public static uint Id(int fd)
    {
        var info = stackalloc byte[16];
        Libc.BpfObjInfoAttr attr = new() { BpfFd = (uint)fd, InfoLength = 16, Info = (ulong)info };
        if (Libc.Bpf(Libc.BPF_OBJ_GET_INFO_BY_FD, &attr) != 0)
            throw SyscallException.FromLastError("bpf(BPF_OBJ_GET_INFO_BY_FD)");
        return *(uint*)(info + 4);
    }

    public static uint ProgramId(int fd) => Id(fd);

    /// <summary>True while the kernel still has the program (loaded by anyone); false once it was freed.</summary>
    public static bool ProgramExists(uint id) => Exists(ProgGetFdById, id);

    public static bool MapExists(uint id) => Exists(MapGetFdById, id);

    /// <summary>Waits up to 10 s for the kernel to free objects: it does so after an RCU grace period, which a
    /// loaded machine stretches.</summary>
    public static bool AllGone(IEnumerable<uint> programs, IEnumerable<uint> maps)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (programs.Any(ProgramExists) || maps.Any(MapExists))
        {
            if (DateTime.UtcNow > deadline)
                return false;
            Thread.Sleep(20);
        }
        return true;
    }

    private static bool Exists(int command, uint id)
    {
        Libc.BpfGetFdByIdAttr attr = new() { Id = id };
        var fd = Libc.Bpf(command, &attr);
        if (fd >= 0)
        {
            Libc.Close(fd);
            return true;
        }
        return Libc.LastErrno != Errno.ENOENT;
    }

    public static string Describe(Dictionary<string, int> fds) =>
        string.Join(", ", fds.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value.ToString(CultureInfo.InvariantCulture)));
}
