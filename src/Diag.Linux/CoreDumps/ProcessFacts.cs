using System.Globalization;
using Diag.Linux.ProcFs;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// Everything the checklist needs to know of one process, read once from /proc/PID: limits, credentials,
/// dumpability, directories, namespaces, memory, command line and environment. A file the caller may not read
/// (another user's environ or cwd without root) leaves its fact null and is named in <see cref="Unreadable"/>.
/// </summary>
internal sealed class ProcessFacts
{
    public required int Pid { get; init; }

    /// <summary>The name as Get-Process shows it (comm, or the untruncated executable name).</summary>
    public required string Name { get; init; }

    /// <summary>The comm (%e): at most 15 characters.</summary>
    public required string Comm { get; init; }

    public string? ExecutablePath { get; init; }
    public IReadOnlyList<string> CommandLine { get; init; } = [];

    /// <summary>The environment it started with; null when /proc/PID/environ cannot be read.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    public ResourceLimitPair? CoreLimit { get; init; }
    public ResourceLimitPair? FileSizeLimit { get; init; }
    public ProcessCredentials? Credentials { get; init; }

    /// <summary>The owner of the files in /proc/PID (its stat): root (of its user namespace) when the process is not
    /// dumpable, else its effective uid. The directory itself always belongs to the effective uid.</summary>
    public uint? ProcFileOwner { get; init; }

    /// <summary>The host uid that is uid 0 in the process's user namespace (0 outside containers with user namespaces).</summary>
    public uint UserNamespaceRoot { get; init; }

    /// <summary>Its current directory as it sees it (readlink /proc/PID/cwd); null when unreadable.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Its root directory as this process sees it ("/" unless chrooted or in a container).</summary>
    public string? RootDirectory { get; init; }

    public bool OtherMountNamespace { get; init; }
    public bool OtherPidNamespace { get; init; }

    /// <summary>Its pid inside its own PID namespace (%p).</summary>
    public long NamespacePid { get; init; }

    /// <summary>SigCgt: the signals it catches.</summary>
    public ulong CaughtSignals { get; init; }

    public CoreSizeEstimate Size { get; init; }

    /// <summary>libjvm.so is mapped: a Java virtual machine.</summary>
    public bool IsJvm { get; init; }

    /// <summary>The executable has Go's .go.buildinfo section.</summary>
    public bool IsGo { get; init; }

    /// <summary>A kernel thread (kthreadd and its children): no user memory, never a core.</summary>
    public bool IsKernelThread { get; init; }

    /// <summary>It has exited and waits for its parent to collect its status (a zombie): it can no longer crash.</summary>
    public bool IsZombie { get; init; }

    /// <summary>Its parent, which a zombie waits for.</summary>
    public int ParentProcessId { get; init; }

    /// <summary>The systemd unit it runs in (from /proc/PID/cgroup), e.g. mysql.service.</summary>
    public string? ServiceUnit { get; init; }

    /// <summary>The /proc/PID files that could not be read (permission), for one warning.</summary>
    public IReadOnlyList<string> Unreadable { get; init; } = [];

    /// <summary>Another root than this process's: file paths are resolved inside it (a container, a chroot).</summary>
    public bool OtherRoot => OtherMountNamespace || (RootDirectory is not null && RootDirectory != "/");

    public const int SIGILL = 4, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11;

    public bool Catches(int signal) => (CaughtSignals & (1UL << (signal - 1))) != 0;

    /// <summary>Reads a process; null when it does not exist (or exited while being read).</summary>
    public static ProcessFacts? Read(MachineRoot machine, int pid)
    {
        var status = MachineRoot.ReadHostText(machine.ProcPath(pid, "status"));
        if (status is null) return null;
        var unreadable = new List<string>();

        string comm, name;
        using (var reader = new ProcFileReader())
        {
            using var procFd = reader.OpenDirectory(machine.PathOf("/proc"), out _);
            if (procFd is null) return null;
            if (!ProcessNameResolver.TryResolve(reader, procFd, pid, out comm, out var untruncated)) return null;
            name = untruncated ?? comm;
        }

        var limits = MachineRoot.ReadHostText(machine.ProcPath(pid, "limits"));
        var cmdline = MachineRoot.ReadHostText(machine.ProcPath(pid, "cmdline"));
        var environ = Readable("environ");
        var exe = Link("exe");
        var cwd = Link("cwd");
        var root = Link("root");
        var maps = Readable("maps");
        var owner = MachineRoot.Stat(machine.ProcPath(pid, "stat"), out _)?.Uid;
        var credentials = ProcessCredentials.Parse(status);
        var identity = TaskStatusFile.Parse(System.Text.Encoding.UTF8.GetBytes(status));

        bool isGo = exe is not null && Elf.ElfImage.ReadSectionNames(machine.ProcPath(pid, "exe")) is var sections &&
                    sections.Any(s => s is ".go.buildinfo" or ".note.go.buildid" or ".gopclntab");

        return new ProcessFacts
        {
            Pid = pid,
            Name = name,
            Comm = comm,
            ExecutablePath = exe,
            CommandLine = cmdline is null ? [] : cmdline.Split('\0', StringSplitOptions.RemoveEmptyEntries),
            Environment = environ is null ? null : ParseEnvironment(environ),
            CoreLimit = ResourceLimitPair.FromLimitsFile(limits, "Max core file size"),
            FileSizeLimit = ResourceLimitPair.FromLimitsFile(limits, "Max file size"),
            Credentials = credentials,
            ProcFileOwner = owner,
            UserNamespaceRoot = NamespaceRoot(MachineRoot.ReadHostText(machine.ProcPath(pid, "uid_map"))),
            WorkingDirectory = cwd,
            RootDirectory = root,
            OtherMountNamespace = OtherNamespace(machine, pid, "mnt"),
            OtherPidNamespace = OtherNamespace(machine, pid, "pid"),
            NamespacePid = LastNumber(status, "NSpid:") ?? pid,
            CaughtSignals = Hex(status, "SigCgt:"),
            Size = CoreSizeEstimate.Read(status, maps, MachineRoot.ReadHostText(machine.ProcPath(pid, "coredump_filter"))),
            IsJvm = maps?.Contains("/libjvm.so", StringComparison.Ordinal) == true || Path.GetFileName(exe) == "java",
            IsGo = isGo,
            ServiceUnit = ServiceUnitOf(MachineRoot.ReadHostText(machine.ProcPath(pid, "cgroup"))),
            // Kernels before 6.0 have no Kthread line; kernel threads are the tasks without memory.
            IsKernelThread = status.Contains("\nKthread:\t1", StringComparison.Ordinal) ||
                             (!status.Contains("\nKthread:", StringComparison.Ordinal) && !status.Contains("\nVmSize:", StringComparison.Ordinal)),
            IsZombie = identity is { IsZombie: true },
            ParentProcessId = identity?.ParentProcessId ?? 0,
            Unreadable = unreadable,
        };

        string? Readable(string leaf)
        {
            var path = machine.ProcPath(pid, leaf);
            try
            {
                return File.ReadAllText(path);
            }
            catch (UnauthorizedAccessException)
            {
                unreadable.Add(leaf);
                return null;
            }
            catch (IOException)
            {
                return null;
            }
        }

        string? Link(string leaf)
        {
            var path = machine.ProcPath(pid, leaf);
            try
            {
                return new FileInfo(path).LinkTarget;
            }
            catch (UnauthorizedAccessException)
            {
                unreadable.Add(leaf);
                return null;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    private static Dictionary<string, string> ParseEnvironment(string environ)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in environ.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = entry.IndexOf('=');
            if (eq > 0) result.TryAdd(entry[..eq], entry[(eq + 1)..]);
        }
        return result;
    }

    /// <summary>A namespace link of the process differs from this process's (never in a fixture, which has no /proc/self).</summary>
    private static bool OtherNamespace(MachineRoot machine, int pid, string kind)
    {
        var mine = machine.ReadLink("/proc/self/ns/" + kind);
        var theirs = MachineRoot.ReadHostLink(machine.ProcPath(pid, "ns/" + kind));
        return mine is not null && theirs is not null && mine != theirs;
    }

    /// <summary>The outside uid of inside uid 0 in uid_map ("0 100000 65536"); 0 when there is no such line.</summary>
    private static uint NamespaceRoot(string? uidMap)
    {
        foreach (var line in (uidMap ?? "").Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 3 && fields[0] == "0" && uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var outside))
                return outside;
        }
        return 0;
    }

    /// <summary>The innermost systemd service of a cgroup path ("0::/system.slice/mysql.service").</summary>
    internal static string? ServiceUnitOf(string? cgroup)
    {
        if (cgroup is null) return null;
        string? unit = null;
        foreach (var line in cgroup.Split('\n'))
        {
            // The unified hierarchy ("0::") or systemd's named v1 hierarchy carries the unit names.
            if (!line.StartsWith("0::", StringComparison.Ordinal) && !line.Contains(":name=systemd:", StringComparison.Ordinal)) continue;
            var path = line[(line.IndexOf(":/", StringComparison.Ordinal) + 1)..];
            foreach (var component in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
                if (component.EndsWith(".service", StringComparison.Ordinal)) unit = component;
            if (unit is not null) return unit;
        }
        return unit;
    }

    private static long? LastNumber(string status, string key)
    {
        int at = status.IndexOf(key, StringComparison.Ordinal);
        if (at < 0) return null;
        int eol = status.IndexOf('\n', at);
        var fields = status[(at + key.Length)..(eol < 0 ? status.Length : eol)].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 0 && long.TryParse(fields[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    private static ulong Hex(string status, string key)
    {
        int at = status.IndexOf(key, StringComparison.Ordinal);
        if (at < 0) return 0;
        int eol = status.IndexOf('\n', at);
        var text = status[(at + key.Length)..(eol < 0 ? status.Length : eol)].Trim();
        return ulong.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v) ? v : 0;
    }
}
