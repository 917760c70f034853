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

    private readonly Dictionary<string, OwnerList> _paths;

    private PackageIndex(string root, IReadOnlyList<InstalledPackage> packages, Dictionary<string, OwnerList> paths, MergedUsr usr,
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
    public int PathCount => _paths.Count;

    private string Stamp { get; }

    /// <summary>True when no package database was found at all.</summary>
    public bool IsEmpty => Packages.Count == 0;

    /// <summary>The packages that list a path (given in its merged-/usr form), each with the path as it lists it.</summary>
    public IReadOnlyList<PackageListing> Find(string canonicalPath)
    {
        if (!_paths.TryGetValue(canonicalPath, out var owners)) return [];
        var result = new PackageListing[owners.Count];
        for (int i = 0; i < owners.Count; i++)
        {
            var owner = owners[i];
            result[i] = new PackageListing(Packages[owner.Package], owner.ListedAs ?? canonicalPath);
        }
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
        var lists = new List<string[]>();
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

        var paths = new Dictionary<string, OwnerList>(lists.Sum(l => l.Length), StringComparer.Ordinal);
        for (int p = 0; p < lists.Count; p++)
        {
            foreach (var listed in lists[p])
            {
                if (listed.Length == 0) continue;
                var canonical = usr.Canonical(listed);
                var owner = new Owner(p, ReferenceEquals(canonical, listed) ? null : listed);
                ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(paths, canonical, out bool exists);
                if (!exists) entry = new OwnerList(owner);
                else entry = entry.Add(owner);
            }
        }
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

    private readonly record struct Owner(int Package, string? ListedAs);

    /// <summary>One owner inline (almost every file), more in an array (directories, Multi-Arch: same files).</summary>
    private readonly struct OwnerList
    {
        private readonly Owner _first;
        private readonly Owner[]? _more;

        public OwnerList(Owner first) => _first = first;

        private OwnerList(Owner first, Owner[] more)
        {
            _first = first;
            _more = more;
        }

        public int Count => 1 + (_more?.Length ?? 0);

        public Owner this[int i] => i == 0 ? _first : _more![i - 1];

        public OwnerList Add(Owner owner)
        {
            // A package listing the same path twice (a list with /bin/x and /usr/bin/x) counts once.
            if (_first.Package == owner.Package) return this;
            if (_more is not null)
                foreach (var o in _more)
                    if (o.Package == owner.Package) return this;
            var more = new Owner[(_more?.Length ?? 0) + 1];
            _more?.CopyTo(more, 0);
            more[^1] = owner;
            return new OwnerList(_first, more);
        }
    }
}

/// <summary>A package that lists a path, and the path as it lists it (/bin/bash for /usr/bin/bash).</summary>
internal readonly record struct PackageListing(InstalledPackage Package, string ListedAs);
