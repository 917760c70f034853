using System.Diagnostics;
using Diag.Linux.Packages.Dpkg;
using Diag.Linux.Packages.Rpm;

namespace Diag.Linux.Packages;

/// <summary>
/// Every path the installed packages list, keyed by its merged-/usr form, with the packages that list it: built once
/// per session from the package databases (dpkg's status and info/*.list, RPM's rpmdb.sqlite) and reused until a
/// database changes. dpkg -S reads every list file on every call; a lookup here is one hash probe.
/// </summary>
internal sealed class PackageIndex
{
    private static readonly Dictionary<string, PackageIndex> Cache = new(StringComparer.Ordinal);
    private static readonly object CacheLock = new();

    private readonly PathTable _paths;

    private PackageIndex(string root, IReadOnlyList<InstalledPackage> packages, PathTable paths, MergedUsr usr,
        DpkgDiversions diversions, Dictionary<string, DpkgStatOverride> statOverrides, string? dpkgDirectory, string stamp, TimeSpan buildTime,
        IReadOnlyList<string> problems)
    {
        Root = root;
        Packages = packages;
        _paths = paths;
        Usr = usr;
        Diversions = diversions;
        StatOverrides = statOverrides;
        DpkgDirectory = dpkgDirectory;
        Stamp = stamp;
        BuildTime = buildTime;
        Problems = problems;
    }

    /// <summary>"/" or the root of another tree (a container's /proc/PID/root, a fixture).</summary>
    public string Root { get; }

    public IReadOnlyList<InstalledPackage> Packages { get; }

    public MergedUsr Usr { get; }

    public DpkgDiversions Diversions { get; }

    public IReadOnlyDictionary<string, DpkgStatOverride> StatOverrides { get; }

    /// <summary>dpkg's database directory under the root, null without dpkg.</summary>
    public string? DpkgDirectory { get; }

    /// <summary>How long the index took to build (0 when it came from the session's cache).</summary>
    public TimeSpan BuildTime { get; }

    /// <summary>Databases that exist but could not be read, in words (an unreadable rpmdb, a damaged status file).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The distinct paths listed.</summary>
    public int PathCount => _paths.DistinctCount;

    private string Stamp { get; }

    /// <summary>True when no package database was found at all.</summary>
    public bool IsEmpty => Packages.Count == 0;

    /// <summary>The packages that list a path (given in its merged-/usr form), each with the path as it lists it.</summary>
    public IReadOnlyList<PackageListing> Find(string canonicalPath)
    {
        var found = _paths.Find(canonicalPath);
        if (found.Count == 0) return [];
        var result = new PackageListing[found.Count];
        for (int i = 0; i < found.Count; i++) result[i] = new PackageListing(Packages[found[i].Package], found[i].ListedAs);
        return result;
    }

    /// <summary>The index of <paramref name="root"/>: this session's copy while the databases are unchanged, else a
    /// new one. Safe to call from several threads.</summary>
    public static PackageIndex For(string root = "/")
    {
        root = root.Length > 1 ? root.TrimEnd('/') : "/";
        var stamp = StampOf(root);
        lock (CacheLock)
        {
            if (Cache.TryGetValue(root, out var cached) && cached.Stamp == stamp) return cached.Reused();
            var index = Build(root, stamp);
            Cache[root] = index;
            return index;
        }
    }

    /// <summary>Forgets this session's indexes (a benchmark measuring a cold start).</summary>
    public static void ClearCache()
    {
        lock (CacheLock) Cache.Clear();
    }

    private PackageIndex Reused() => new(Root, Packages, _paths, Usr, Diversions, (Dictionary<string, DpkgStatOverride>)StatOverrides,
        DpkgDirectory, Stamp, TimeSpan.Zero, Problems);

    /// <summary>What changes when a package is installed, removed or diverted: the databases' modification times.</summary>
    private static string StampOf(string root)
    {
        var parts = new[]
        {
            "var/lib/dpkg/status", "var/lib/dpkg/info", "var/lib/dpkg/diversions", "var/lib/dpkg/statoverride",
            RpmDatabase.RelativePath, RpmDatabase.RelativePath + "-wal",
        }.Select(p => Path.Combine(root, p)).Select(p => File.Exists(p) || Directory.Exists(p)
            ? File.GetLastWriteTimeUtc(p).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/" + (File.Exists(p) ? new FileInfo(p).Length : 0)
            : "-");
        return string.Join('|', parts);
    }

    private static PackageIndex Build(string root, string stamp)
    {
        var clock = Stopwatch.StartNew();
        var usr = MergedUsr.Of(root);
        var packages = new List<InstalledPackage>();
        var lists = new List<byte[]>();
        var problems = new List<string>();

        var dpkg = Path.Combine(root, "var/lib/dpkg");
        var diversions = DpkgDiversions.Empty;
        var overrides = new Dictionary<string, DpkgStatOverride>(StringComparer.Ordinal);
        string? dpkgDirectory = null;
        if (File.Exists(Path.Combine(dpkg, "status")))
        {
            dpkgDirectory = dpkg;
            try
            {
                DpkgDatabase.Read(dpkg, packages, lists);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"dpkg's database ({dpkg}) could not be read: {e.Message}");
            }
            diversions = DpkgDiversions.Parse(ReadOrEmpty(Path.Combine(dpkg, "diversions")), usr.Canonical);
            overrides = DpkgStatOverrides.Parse(ReadOrEmpty(Path.Combine(dpkg, "statoverride")), usr.Canonical);
        }

        var rpmdb = Path.Combine(root, RpmDatabase.RelativePath);
        if (File.Exists(rpmdb))
        {
            try
            {
                RpmDatabase.Read(rpmdb, packages, lists);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                problems.Add($"RPM's database ({rpmdb}) could not be read: {e.Message}");
            }
        }

        var paths = new PathTable(usr);
        paths.Reserve(lists.Sum(l => System.MemoryExtensions.Count(l.AsSpan(), (byte)'\n') + 1));
        for (int p = 0; p < lists.Count; p++) paths.Add(p, lists[p]);
        return new PackageIndex(root, packages, paths, usr, diversions, overrides, dpkgDirectory, stamp, clock.Elapsed, problems);
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}

/// <summary>A package that lists a path, and the path as it lists it (/bin/bash for /usr/bin/bash).</summary>
internal readonly record struct PackageListing(InstalledPackage Package, string ListedAs);
