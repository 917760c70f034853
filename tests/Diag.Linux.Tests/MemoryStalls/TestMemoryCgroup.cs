using System.Globalization;

namespace Diag.Linux.Tests.MemoryStalls;

/// <summary>
/// A memory cgroup the test makes (cgroup v1's memory hierarchy where it is mounted, else v2 with the memory controller
/// enabled below the root), named with the test's PID, with a limit; Dispose moves what is left back to the parent and
/// removes it.
/// </summary>
internal sealed class TestMemoryCgroup : IDisposable
{
    private TestMemoryCgroup(string directory, int version, string parentProcs)
    {
        Directory = directory;
        Version = version;
        _parentProcs = parentProcs;
    }

    private readonly string _parentProcs;

    public string Directory { get; }

    public int Version { get; }

    public static TestMemoryCgroup Create(long limitBytes)
    {
        var name = $"diag-stall-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];
        var limit = limitBytes.ToString(CultureInfo.InvariantCulture);
        if (File.Exists("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
        {
            var dir = System.IO.Directory.CreateDirectory("/sys/fs/cgroup/memory/" + name).FullName;
            File.WriteAllText(Path.Combine(dir, "memory.limit_in_bytes"), limit);
            return new TestMemoryCgroup(dir, 1, "/sys/fs/cgroup/memory/cgroup.procs");
        }
        var v2 = System.IO.Directory.CreateDirectory("/sys/fs/cgroup/" + name).FullName;
        File.WriteAllText(Path.Combine(v2, "memory.max"), limit);
        return new TestMemoryCgroup(v2, 2, "/sys/fs/cgroup/cgroup.procs");
    }

    public void Add(int pid) => File.WriteAllText(Path.Combine(Directory, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));

    public void Dispose()
    {
        foreach (var pid in File.ReadAllLines(Path.Combine(Directory, "cgroup.procs")).Where(l => l.Length > 0))
        {
            try { File.WriteAllText(_parentProcs, pid); }
            catch (IOException) { } // exited meanwhile
        }
        System.IO.Directory.Delete(Directory);
    }
}
