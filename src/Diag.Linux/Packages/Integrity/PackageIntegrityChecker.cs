using System.Collections.Concurrent;
using Diag.Linux.Packages.Origins;

namespace Diag.Linux.Packages.Integrity;

/// <summary>What the checker yields: a file's result, a package's summary once all its files are done, progress, or
/// a package name that matched nothing.</summary>
public readonly record struct IntegrityItem(PackageFileCheck? Check = null, PackageIntegrity? Summary = null, int Done = 0, int Total = 0,
    string? UnknownPackage = null);

/// <summary>
/// Verifies whole packages like <c>debsums -c</c> (rpm -Va for RPM packages): each file the package recorded a digest
/// for, hashed on all cores at once. A file another package has taken over (dpkg leaves the old md5sums behind) is not
/// the old package's to check, and a diverted file is checked where the diversion put it: no false alarms debsums gives.
/// Work runs on background threads; results are yielded on the caller's thread as they complete.
/// </summary>
public sealed class PackageIntegrityChecker
{
    private readonly PackageIndex _index;

    internal PackageIntegrityChecker(PackageIndex index) => _index = index;

    /// <summary>A checker over this machine's packages, with the session's index (built on first use).</summary>
    public static PackageIntegrityChecker ForThisMachine() => new(PackageIndex.For("/"));

    /// <summary>How long building the index took (zero when the session had it already).</summary>
    public TimeSpan IndexBuildTime => _index.BuildTime;

    public int PackageCount => _index.Packages.Count;

    public int PathCount => _index.PathCount;

    /// <summary>Package databases present but unreadable, in words.</summary>
    public IReadOnlyList<string> Problems => _index.Problems;

    /// <param name="packages">Package names (wildcards already expanded by the caller's matcher), or null for all.</param>
    /// <param name="includeConffiles">Also check configuration files (debsums -a).</param>
    /// <param name="cancel">Stops the work promptly (files being hashed finish).</param>
    internal IEnumerable<IntegrityItem> Check(IReadOnlyCollection<string>? packages, bool includeConffiles, CancellationToken cancel) =>
        Check(packages is null ? null : packages.Select(n => (Func<string, bool>)(x => x == n)).ToList(), packages, includeConffiles, cancel);

    /// <summary>As <see cref="Check(IReadOnlyCollection{string}?, bool, CancellationToken)"/> with name matchers; <paramref name="names"/>
    /// (the patterns, by position) are reported when they match no package.</summary>
    public IEnumerable<IntegrityItem> Check(IReadOnlyList<Func<string, bool>>? matchers, IEnumerable<string>? names, bool includeConffiles, CancellationToken cancel)
    {
        var selected = new List<InstalledPackage>();
        var matched = new bool[matchers?.Count ?? 0];
        foreach (var p in _index.Packages)
        {
            if (matchers is null)
            {
                selected.Add(p);
                continue;
            }
            bool any = false;
            for (int i = 0; i < matchers.Count; i++)
                if (matchers[i](p.Name) || matchers[i](p.DisplayName))
                {
                    matched[i] = true;
                    any = true;
                }
            if (any) selected.Add(p);
        }
        if (names is not null)
        {
            int i = 0;
            foreach (var name in names)
            {
                if (i < matched.Length && !matched[i]) yield return new IntegrityItem(UnknownPackage: name);
                i++;
            }
        }

        var work = new List<(int Package, string Listed, ExpectedFile Expected)>();
        var tallies = new Tally[selected.Count];
        for (int p = 0; p < selected.Count; p++)
        {
            tallies[p] = new Tally();
            foreach (var (listed, expected) in selected[p].FilesWithDigests(includeConffiles))
            {
                if (!StillOwns(selected[p], listed)) continue;
                work.Add((p, listed, expected));
                tallies[p].Remaining++;
            }
        }

        // Packages with nothing to check are summarised at once.
        for (int p = 0; p < selected.Count; p++)
            if (tallies[p].Remaining == 0) yield return new IntegrityItem(Summary: new PackageIntegrity(selected[p], 0, 0, 0, 0));

        using var results = new BlockingCollection<IntegrityItem>(boundedCapacity: 4096);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        int done = 0;
        var producer = Task.Run(() =>
        {
            try
            {
                Parallel.ForEach(work, new ParallelOptions { CancellationToken = stop.Token, MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount * 2) },
                    item =>
                    {
                        var check = CheckFile(selected[item.Package], item.Listed, item.Expected);
                        var tally = tallies[item.Package];
                        bool last;
                        lock (tally)
                        {
                            tally.Add(check.StatusValue);
                            last = --tally.Remaining == 0;
                        }
                        results.Add(new IntegrityItem(Check: check, Done: Interlocked.Increment(ref done), Total: work.Count), stop.Token);
                        if (last)
                            results.Add(new IntegrityItem(Summary: new PackageIntegrity(selected[item.Package], tally.Checked, tally.Modified, tally.Missing, tally.Unreadable)), stop.Token);
                    });
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                results.CompleteAdding();
            }
        });

        try
        {
            foreach (var item in results.GetConsumingEnumerable(cancel)) yield return item;
        }
        finally
        {
            // Whatever ends the enumeration (Ctrl+C, Select-Object -First), no hashing outlives it.
            stop.Cancel();
            try
            {
                producer.Wait(CancellationToken.None);
            }
            catch (AggregateException)
            {
            }
        }
    }

    /// <summary>True when the index still gives the path (or the path a diversion moved it to) to this package.</summary>
    private bool StillOwns(InstalledPackage package, string listed)
    {
        var canonical = _index.Usr.Canonical(listed);
        foreach (var l in _index.Find(canonical))
            if (ReferenceEquals(l.Package, package)) return true;
        return false;
    }

    private PackageFileCheck CheckFile(InstalledPackage package, string listed, ExpectedFile expected)
    {
        var path = listed;
        var diversion = _index.Diversions.From(_index.Usr.Canonical(listed));
        if (diversion is not null && diversion.By != package.Name) path = diversion.To;
        var host = _index.Root == "/" ? path : _index.Root + path;
        var facts = FileFacts.Of(host);
        var digest = expected.Digest!;
        if (!facts.Exists)
            return new PackageFileCheck(package, path, PackageFileStatus.Missing, expected.IsConffile, expected.Algorithm, digest, null,
                $"{path} of package {package.DisplayName} is missing");
        if (!facts.IsRegular)
            return new PackageFileCheck(package, path, PackageFileStatus.Replaced, expected.IsConffile, expected.Algorithm, digest, null,
                $"{path} of package {package.DisplayName} is no longer a regular file");
        var actual = FileDigest.Of(host, expected.Algorithm);
        if (actual is null)
            return new PackageFileCheck(package, path, PackageFileStatus.Unreadable, expected.IsConffile, expected.Algorithm, digest, null,
                $"{path} of package {package.DisplayName} could not be read");
        return actual == digest
            ? new PackageFileCheck(package, path, PackageFileStatus.Ok, expected.IsConffile, expected.Algorithm, digest, actual, $"{path} matches package {package.DisplayName}")
            : new PackageFileCheck(package, path, PackageFileStatus.Modified, expected.IsConffile, expected.Algorithm, digest, actual,
                expected.IsConffile
                    ? $"{path} differs from what package {package.DisplayName} installed (a configuration file: local edits are expected)"
                    : $"{path} differs from what package {package.DisplayName} {package.Version} installed");
    }

    private sealed class Tally
    {
        public int Remaining, Checked, Modified, Missing, Unreadable;

        public void Add(PackageFileStatus status)
        {
            Checked++;
            switch (status)
            {
                case PackageFileStatus.Modified or PackageFileStatus.Replaced: Modified++; break;
                case PackageFileStatus.Missing: Missing++; break;
                case PackageFileStatus.Unreadable: Unreadable++; break;
            }
        }
    }
}
