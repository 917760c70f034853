using System.Globalization;
using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Memory;

/// <summary>
/// Reads a process's memory map: one pass over /proc/PID/smaps, the totals of smaps_rollup, each thread's stack
/// pointer, glibc heap headers (one process_vm_readv), and, for the summary, the allocator, the arena limit from its
/// environment and its memory cgroup. Nothing is stopped or traced. Not thread-safe: one reader per cmdlet.
/// </summary>
public sealed class MemoryMapReader : IDisposable
{
    private readonly string _root;
    private readonly string _procPath;
    private readonly ProcFileReader _reader = new();
    private readonly SafeFileDescriptor _procFd;
    private readonly SmapsParser _smaps = new();

    /// <summary>Reads the /proc under <paramref name="rootPath"/> ("/" normally, a fixture tree in tests). Throws
    /// <see cref="SyscallException"/> when that /proc cannot be opened.</summary>
    public MemoryMapReader(string rootPath = "/")
    {
        _root = rootPath;
        _procPath = rootPath == "/" ? "/proc" : Path.Combine(rootPath, "proc");
        _procFd = _reader.OpenDirectory(_procPath, out int errno) ?? throw new SyscallException("open", errno, _procPath);
    }

    /// <summary>Whether to read the threads' stack pointers and the glibc heap headers (tests turn them off to see
    /// what a user without ptrace access gets).</summary>
    internal bool ReadThreads { get; init; } = true;

    internal bool ReadHeapHeaders { get; init; } = true;

    /// <summary>The name of a process as Get-Process shows it (the comm, or the untruncated executable name); empty when
    /// it is gone.</summary>
    public string NameOf(int pid) =>
        ProcessNameResolver.TryResolve(_reader, _procFd, pid, out var comm, out var untruncated) ? untruncated ?? comm : "";

    /// <summary>Reads one process now. A process that is gone, not readable, a zombie or a kernel thread comes back
    /// with a <see cref="MemoryMapResult.Problem"/>, never an exception.</summary>
    public MemoryMapResult Read(int pid, string processName)
    {
        var notes = new List<string>();
        var snapshot = ReadSnapshot(pid, processName, notes, out var problem);
        return new MemoryMapResult(pid, processName, snapshot, problem, notes);
    }

    internal ProcessMemorySnapshot? ReadSnapshot(int pid, string name, List<string> notes, out MemoryMapProblem? problem)
    {
        problem = null;
        var timestamp = DateTime.Now;
        long stopwatch = System.Diagnostics.Stopwatch.GetTimestamp();
        string procDir = _procPath + "/" + pid.ToString(CultureInfo.InvariantCulture);
        int errno = _smaps.Read(procDir + "/smaps", out var smaps);
        if (errno != 0)
        {
            problem = errno is Errno.EACCES or Errno.EPERM
                ? new MemoryMapProblem(MemoryMapProblemKind.AccessDenied, pid,
                    $"Not permitted to read the memory map of process {pid} ({name}): /proc/{pid}/smaps needs ptrace access to it.",
                    Ptrace.PtraceRefusal.PermissionRemedy())
                : Exited(pid, name);
            return null;
        }
        if (smaps!.Count == 0)
        {
            problem = NoMemory(pid, name) ?? Exited(pid, name);
            return null;
        }

        SmapsRollup rollup = default;
        if (_reader.Read(_procFd, pid, "smaps_rollup"u8, out var rollupText) == 0) rollup = SmapsRollup.Parse(rollupText);

        var threads = new List<ThreadStackPointer>();
        bool threadsReadable = false;
        if (ReadThreads)
        {
            threads = ThreadStackPointers.Read(_reader, _procFd, pid, out threadsReadable);
            if (!threadsReadable)
                notes.Add("Thread stacks other than the main thread's are not attributed to their threads: reading each thread's stack pointer " +
                          "(/proc/PID/task/TID/syscall) needs ptrace access. Run as root or with CAP_SYS_PTRACE.");
        }

        var paths = smaps.Paths;
        bool isJvm = paths.Any(p => p.EndsWith("/libjvm.so", StringComparison.Ordinal));
        var commandLine = ReadCommandLine(procDir);
        var environment = ReadEnvironment(procDir, out bool environmentDenied);
        var java = isJvm ? JavaSettings.Read(commandLine, environment) : null;
        bool headersDenied = false;
        var layout = MappingClassifier.Classify(smaps, pid, threads, threadsReadable || !ReadThreads, java, starts =>
        {
            var headers = ReadHeapHeaders ? GlibcHeapProbe.Read(pid, starts) : null;
            headersDenied = headers is null;
            return headers;
        });
        if (headersDenied && layout.ArenaHeapCount > 0)
            notes.Add("glibc arenas were told from their layout alone (one per 64 MiB heap): reading the heap headers from the process's memory needs ptrace access. Run as root or with CAP_SYS_PTRACE to count arenas exactly.");
        if (layout.JavaHeapNote is not null) notes.Add(layout.JavaHeapNote);

        var (allocator, library) = AllocatorDetector.Detect(paths, isGo: false);
        if (allocator == MemoryAllocator.Unknown && IsGoBinary(procDir)) allocator = MemoryAllocator.Go;
        if (environmentDenied && allocator == MemoryAllocator.Glibc && layout.ArenaCount > 0)
            notes.Add("MALLOC_ARENA_MAX could not be read: the process's environment (/proc/PID/environ) needs ptrace access. Run as root or with CAP_SYS_PTRACE.");

        return new ProcessMemorySnapshot
        {
            ProcessId = pid,
            ProcessName = name,
            Smaps = smaps,
            Layout = layout,
            Rollup = rollup,
            Allocator = allocator,
            AllocatorLibrary = library,
            Malloc = MallocSettings.From(environment, AllowedCpus(pid)),
            Cgroup = CgroupMemory.Read(_root, pid),
            Timestamp = timestamp,
            StopwatchTimestamp = stopwatch,
        };
    }

    private static MemoryMapProblem Exited(int pid, string name) => new(MemoryMapProblemKind.Exited, pid,
        $"Process {pid} ({name}) exited before its memory map was read.", "Nothing to read: the process is gone.");

    /// <summary>A zombie or a kernel thread, said as such; null when neither (the process is gone).</summary>
    private MemoryMapProblem? NoMemory(int pid, string name)
    {
        if (_reader.Read(_procFd, pid, "status"u8, out var status) != 0) return null;
        var state = StatusText.ValueOf(status, "\nState:"u8).Trim(" \t"u8);
        if (state.Length > 0 && state[0] == (byte)'Z')
        {
            long parent = StatusText.FirstNumber(StatusText.ValueOf(status, "\nPPid:"u8));
            return new MemoryMapProblem(MemoryMapProblemKind.NoUserMemory, pid,
                $"Process {pid} ({name}) is a zombie: it has exited and freed its memory, and waits for its parent ({parent}) to collect its exit status.",
                $"Nothing to map. Its parent {parent} must wait() for it; Wait-ProcessExit -Id {pid} reads its exit status.");
        }
        if (StatusText.Has(status, "\nKthread:\t1"u8) || !StatusText.Has(status, "\nVmSize:"u8))
            return new MemoryMapProblem(MemoryMapProblemKind.NoUserMemory, pid,
                $"Process {pid} ({name}) is a kernel thread: it has no user memory.", "Kernel threads have no memory map; choose a user process.");
        return null;
    }

    private int AllowedCpus(int pid)
    {
        if (_reader.Read(_procFd, pid, "status"u8, out var status) != 0) return Environment.ProcessorCount;
        var list = Encoding.ASCII.GetString(StatusText.ValueOf(status, "\nCpus_allowed_list:"u8)).Trim();
        int count = 0;
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            if (range.Length == 2 && int.TryParse(range[0], CultureInfo.InvariantCulture, out int a) && int.TryParse(range[1], CultureInfo.InvariantCulture, out int b)) count += b - a + 1;
            else if (int.TryParse(part, CultureInfo.InvariantCulture, out _)) count++;
        }
        return count > 0 ? count : Environment.ProcessorCount;
    }

    private static IReadOnlyList<string> ReadCommandLine(string procDir)
    {
        try
        {
            return File.ReadAllText(procDir + "/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static Dictionary<string, string>? ReadEnvironment(string procDir, out bool denied)
    {
        denied = false;
        string text;
        try
        {
            text = File.ReadAllText(procDir + "/environ");
        }
        catch (UnauthorizedAccessException)
        {
            denied = true;
            return null;
        }
        catch (IOException)
        {
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in text.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = entry.IndexOf('=');
            if (eq > 0) result.TryAdd(entry[..eq], entry[(eq + 1)..]);
        }
        return result;
    }

    private static bool IsGoBinary(string procDir) =>
        Elf.ElfImage.ReadSectionNames(procDir + "/exe").Any(s => s is ".go.buildinfo" or ".gopclntab" or ".note.go.buildid");

    public void Dispose()
    {
        _procFd.Dispose();
        _reader.Dispose();
    }
}
