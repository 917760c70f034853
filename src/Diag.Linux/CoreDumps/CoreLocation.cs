namespace Diag.Linux.CoreDumps;

/// <summary>
/// Where a process's core file would be created under a file pattern: the directory as a path on this machine
/// (through /proc/PID/cwd for a relative pattern, /proc/PID/root for a container), and the full path as the
/// process sees it. A process dumping as root (fs.suid_dumpable = 2) resolves absolute paths from the host's root,
/// whatever its own root is.
/// </summary>
internal sealed class CoreLocation
{
    /// <summary>The directory on this machine, for checks, listings and deletion.</summary>
    public required string DirectoryOnHost { get; init; }

    /// <summary>The directory as the process names it (its current directory for a relative pattern).</summary>
    public required string Directory { get; init; }

    /// <summary>The expanded file name (placeholders where unknown until the crash).</summary>
    public required CoreFileName Name { get; init; }

    /// <summary>The directory lies in the process's own root (a container or chroot), not the host's.</summary>
    public required bool InProcessRoot { get; init; }

    /// <summary>The full path as the process sees it.</summary>
    public string Path => Directory.TrimEnd('/') + "/" + Name.Name;

    /// <summary>The full path on this machine.</summary>
    public string HostPath => DirectoryOnHost.TrimEnd('/') + "/" + Name.Name;

    public static CoreLocation ForProcess(MachineRoot machine, KernelCoreSettings kernel, ProcessFacts facts, DumpabilityState dumpability, bool dumpsAsRoot)
    {
        var values = new CoreNameValues
        {
            Pid = facts.NamespacePid,
            GlobalPid = facts.Pid,
            Uid = facts.Credentials?.RealUid,
            Gid = facts.Credentials?.RealGid,
            Dumpable = dumpability == DumpabilityState.NotDumpable ? kernel.SuidDumpable : 1,
            Host = machine.ReadLine("/proc/sys/kernel/hostname"),
            Comm = facts.Comm,
            ExecutablePath = facts.ExecutablePath,
            CoreLimit = facts.CoreLimit?.SoftValue,
        };
        return ForValues(machine, kernel, facts, values, dumpsAsRoot);
    }

    /// <summary>The same directory, the name expanded for other values (the -Verify probe's).</summary>
    public static CoreLocation ForValues(MachineRoot machine, KernelCoreSettings kernel, ProcessFacts facts, CoreNameValues values, bool dumpsAsRoot)
    {
        var pattern = kernel.Pattern;
        var name = CoreFileName.Expand(pattern, values, kernel.UsesPid);
        var directory = name.Directory;
        if (!pattern.IsAbsolute)
        {
            var cwd = facts.WorkingDirectory ?? "<current directory>";
            return new CoreLocation
            {
                DirectoryOnHost = Join(machine.ProcPath(facts.Pid, "cwd"), directory),
                Directory = Join(cwd, directory),
                Name = name,
                InProcessRoot = facts.OtherRoot,
            };
        }
        bool inProcessRoot = facts.OtherRoot && !dumpsAsRoot;
        directory = directory.Length > 1 ? directory.TrimEnd('/') : "/";
        return new CoreLocation
        {
            DirectoryOnHost = inProcessRoot ? machine.ProcPath(facts.Pid, "root") + directory : machine.PathOf(directory),
            Directory = directory,
            Name = name,
            InProcessRoot = inProcessRoot,
        };
    }

    private static string Join(string directory, string relative) =>
        relative.Length == 0 ? directory : directory.TrimEnd('/') + "/" + relative.TrimEnd('/');
}
