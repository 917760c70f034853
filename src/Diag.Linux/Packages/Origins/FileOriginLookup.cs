namespace Diag.Linux.Packages.Origins;

/// <summary>
/// The engine's entry point for Get-FileOrigin: paths, commands and processes against this session's package index
/// (built on first use, reused while the databases are unchanged) and a PATH. Processes in another root (containers)
/// are looked up in that root's own package databases.
/// </summary>
public sealed class FileOriginLookup
{
    private readonly FileOriginResolver _host;
    private readonly Dictionary<string, FileOriginResolver> _others = new(StringComparer.Ordinal);

    /// <param name="pathVariable">The PATH to place files on (the session's $env:PATH).</param>
    /// <param name="currentDirectory">Where relative PATH entries start.</param>
    public FileOriginLookup(string? pathVariable, string currentDirectory)
    {
        var index = PackageIndex.For("/");
        _host = new FileOriginResolver(index, new SearchPath(pathVariable, currentDirectory));
        IndexBuildTime = index.BuildTime;
        PackageCount = index.Packages.Count;
        PathCount = index.PathCount;
        Problems = index.Problems;
    }

    /// <summary>How long building the index took (zero when this session had it already).</summary>
    public TimeSpan IndexBuildTime { get; }

    public int PackageCount { get; }

    public int PathCount { get; }

    /// <summary>Package databases present but unreadable, in words.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>True when this machine has no package database Diag reads (neither dpkg nor RPM's sqlite).</summary>
    public bool NoDatabase => PackageCount == 0;

    /// <summary>The origin of an absolute path, or null when it is neither on disk nor listed by a package.</summary>
    public FileOrigin? ForPath(string path) => _host.ForPath(Normalize(path));

    /// <summary>Every executable of this name on PATH, in PATH order (empty when none).</summary>
    public IReadOnlyList<FileOrigin> ForCommand(string name) => _host.ForCommand(name);

    /// <summary>The program a process runs; the problem says why there is none (gone, not permitted, kernel thread).</summary>
    public (FileOrigin? Origin, FileOriginProblem? Problem) ForProcess(int pid) => ProcessProgram.Describe(pid, ResolverFor);

    private FileOriginResolver ResolverFor(string root)
    {
        if (root == "/") return _host;
        lock (_others)
        {
            if (!_others.TryGetValue(root, out var resolver))
                _others[root] = resolver = new FileOriginResolver(PackageIndex.For(root), searchPath: null);
            return resolver;
        }
    }

    /// <summary>"/usr//bin/./atd/" → "/usr/bin/atd" (no symlink resolved: the path itself is what is looked up).</summary>
    private static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }
}
