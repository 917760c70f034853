using System.Globalization;
using Diag.Linux.Packages.Dpkg;

namespace Diag.Linux.Packages.Origins;

/// <summary>
/// Answers "where does this file come from" against one package index and one PATH: the owner (through merged-/usr
/// aliases, directory symlinks, dpkg diversions and update-alternatives links), whether the file is still what the
/// package installed, and where it stands on PATH. Shared by the path, command and process lookups.
/// </summary>
internal sealed class FileOriginResolver
{
    private readonly PackageIndex _index;
    private readonly SearchPath? _searchPath;

    /// <param name="index">The packages of the tree the paths belong to.</param>
    /// <param name="searchPath">The PATH to place files on; null for a tree whose PATH is not this session's (a container).</param>
    public FileOriginResolver(PackageIndex index, SearchPath? searchPath)
    {
        _index = index;
        _searchPath = searchPath;
    }

    public PackageIndex Index => _index;

    /// <summary>The origin of an absolute path; null when it is neither on disk nor listed by a package.</summary>
    /// <param name="path">The path in the index's tree.</param>
    /// <param name="contentPath">Where to read the content from when not the path itself (/proc/PID/exe: the running
    /// program, even when its path now holds another file).</param>
    public FileOrigin? ForPath(string path, string? contentPath = null) => Describe(path, contentPath)?.Build();

    /// <summary>Every executable named <paramref name="name"/> on PATH, in PATH order, the one a shell runs first.</summary>
    public IReadOnlyList<FileOrigin> ForCommand(string name)
    {
        if (_searchPath is null) return [];
        var result = new List<FileOrigin>();
        foreach (var candidate in _searchPath.Candidates(name))
            if (Describe(candidate.Path, null) is { } b) result.Add(b.Build());
        return result;
    }

    private FileOriginBuilder? Describe(string path, string? contentPath)
    {
        var b = new FileOriginBuilder(path);
        var host = HostPath(path);
        var self = FileFacts.OfLink(host);
        var listings = Listings(path, b);
        if (!self.Exists)
        {
            if (listings.Count == 0) return null;
            b.Kind = FileNodeKind.Missing;
            SetOwner(b, listings[0], listings);
            b.Status = FileOriginStatus.Missing;
            b.Findings.Add(new FileFinding(FileFindingKind.Missing, $"{path} is listed by package {b.Package} but missing from disk", relatedPackage: b.Package));
            return b;
        }

        DescribeNode(b, host, self);
        var target = self.IsLink ? FileFacts.Of(host) : self;
        if (listings.Count > 0)
        {
            var owner = Verify(b, listings, contentPath ?? host, self, target);
            SetOwner(b, owner, listings);
        }
        else if (AlternativeOf(path, b) is { } alternative)
        {
            b.Alternative = alternative.Name;
            b.Status = FileOriginStatus.Ok;
            var to = b.ResolvedPath is { } r ? OwnerText(r) : "";
            b.Findings.Add(new FileFinding(FileFindingKind.Alternative,
                $"{path} is a link of the alternative {alternative.Name} (update-alternatives, {(alternative.IsManual ? "manual" : "auto")} mode), " +
                $"now {b.ResolvedPath ?? alternative.CurrentTarget}{to}", b.ResolvedPath));
        }
        else b.Status = FileOriginStatus.NotOwned;

        PlaceOnPath(b, path, target);
        if (b.Status == FileOriginStatus.NotOwned && !b.Findings.Any(f => f.KindValue == FileFindingKind.Shadows))
        {
            var link = self.IsLink && b.ResolvedPath is { } resolved ? $" (a symlink to {resolved}{OwnerText(resolved)})" : "";
            b.Findings.Insert(0, new FileFinding(FileFindingKind.NotOwned, $"{path} is owned by no package{link}"));
        }
        return b;
    }

    /// <summary>The packages that list the file now at <paramref name="path"/>, after merged-/usr aliases, directory
    /// symlinks and dpkg diversions.</summary>
    private IReadOnlyList<PackageListing> Listings(string path, FileOriginBuilder b)
    {
        var canonical = _index.Usr.Canonical(path);
        var listings = _index.Find(canonical);
        if (listings.Count == 0 && RealDirectoryForm(path) is { } real && real != canonical)
        {
            canonical = real;
            listings = _index.Find(canonical);
        }

        if (_index.Diversions.From(canonical) is { } away)
        {
            // The file here is the diverting package's (or nobody's, for a local diversion); the others' copy is elsewhere.
            var others = listings.Where(l => l.Package.Name != away.By).Select(l => l.Package.DisplayName).Distinct().ToList();
            listings = listings.Where(l => l.Package.Name == away.By).ToList();
            b.DivertedBy = away.By ?? "local";
            if (others.Count > 0)
                b.Findings.Add(new FileFinding(FileFindingKind.Diverted,
                    $"{path} is diverted {(away.By is null ? "locally" : "by package " + away.By)}: the file of package {string.Join(", ", others)} is installed as {away.To}",
                    away.To, away.By));
        }
        else if (_index.Diversions.To(canonical) is { } here)
        {
            var from = _index.Usr.Canonical(here.From);
            listings = _index.Find(from).Where(l => l.Package.Name != here.By).ToList();
            b.DivertedBy = here.By ?? "local";
            b.Findings.Add(new FileFinding(FileFindingKind.Diverted,
                $"{path} is {here.From} of package {string.Join(", ", listings.Select(l => l.Package.DisplayName).Distinct())}, " +
                $"diverted here {(here.By is null ? "locally" : "by package " + here.By)}", here.From, here.By));
        }
        return listings;
    }

    /// <summary>The path with its directory's symlinks resolved (/var/run/x → /run/x), in merged-/usr form.</summary>
    private string? RealDirectoryForm(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(path);
        if (directory is null) return null;
        try
        {
            var real = new DirectoryInfo(HostPath(directory)).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (real is null) return null;
            if (_index.Root != "/" && real.StartsWith(_index.Root, StringComparison.Ordinal)) real = real[_index.Root.Length..];
            return _index.Usr.Canonical(System.IO.Path.Combine(real, System.IO.Path.GetFileName(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void DescribeNode(FileOriginBuilder b, string host, FileFacts self)
    {
        b.Kind = self.IsRegular ? FileNodeKind.File : self.IsDirectory ? FileNodeKind.Directory : self.IsLink ? FileNodeKind.SymbolicLink : FileNodeKind.Other;
        b.Mode = FileFacts.ModeText(self.Mode);
        b.SizeBytes = self.IsRegular ? self.SizeBytes : null;
        b.LastWriteTime = self.LastWriteTime;
        if (!self.IsLink)
        {
            b.ResolvedPath = b.Path;
            return;
        }
        try
        {
            var info = new FileInfo(host);
            b.LinkTarget = info.LinkTarget;
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            if (final is not null && final.Exists)
            {
                var resolved = final.FullName;
                b.ResolvedPath = _index.Root != "/" && resolved.StartsWith(_index.Root, StringComparison.Ordinal) ? resolved[_index.Root.Length..] : resolved;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A link loop or an unreadable directory: the link is still described, without a target.
        }
    }

    /// <summary>Compares the file with what its package recorded; returns the listing it was judged against (of
    /// several owners, the one whose digest matches).</summary>
    private PackageListing Verify(FileOriginBuilder b, IReadOnlyList<PackageListing> listings, string contentPath, FileFacts self, FileFacts target)
    {
        var owner = listings[0];
        b.Status = FileOriginStatus.Ok;
        var expected = owner.Package.Expected(owner.ListedAs);
        b.IsConffile = expected?.IsConffile ?? false;
        var canonical = _index.Usr.Canonical(b.Path);

        if (self.IsRegular || (contentPath != HostPath(b.Path) && target.IsRegular))
        {
            if (expected?.Digest is null)
            {
                b.Status = FileOriginStatus.Unverified;
                b.Findings.Add(new FileFinding(FileFindingKind.NoDigest,
                    $"package {owner.Package.DisplayName} recorded no digest for {b.Path}: its content cannot be verified", relatedPackage: owner.Package.DisplayName));
            }
            else
            {
                var algorithm = expected.Value.Algorithm;
                var actual = FileDigest.Of(contentPath, algorithm);
                b.DigestAlgorithm = algorithm;
                b.ActualDigest = actual;
                // Several owners (Multi-Arch: same): judge against the one whose digest matches.
                foreach (var other in listings)
                    if (other.Package.Expected(other.ListedAs) is { Digest: { } d } && d == actual)
                    {
                        owner = other;
                        expected = other.Package.Expected(other.ListedAs);
                        break;
                    }
                b.ExpectedDigest = expected!.Value.Digest;
                if (actual is null)
                {
                    b.Status = FileOriginStatus.Unverified;
                    b.Findings.Add(new FileFinding(FileFindingKind.NoDigest, $"{b.Path} could not be read to compare it with package {owner.Package.DisplayName}'s digest"));
                }
                else if (actual != b.ExpectedDigest)
                {
                    b.Status = FileOriginStatus.Modified;
                    b.Findings.Add(b.IsConffile
                        ? new FileFinding(FileFindingKind.ConffileModified,
                            $"{b.Path} differs from what package {owner.Package.DisplayName} installed (a configuration file: local edits are expected)", relatedPackage: owner.Package.DisplayName)
                        : new FileFinding(FileFindingKind.Modified,
                            $"{b.Path} differs from what package {owner.Package.DisplayName} {owner.Package.Version} installed (its {algorithm.ToString().ToUpperInvariant()} digest does not match)",
                            relatedPackage: owner.Package.DisplayName));
                }
            }
            if (expected?.SizeBytes is long size && size != self.SizeBytes && self.IsRegular)
            {
                b.Status = FileOriginStatus.Modified;
                b.Findings.Add(new FileFinding(FileFindingKind.SizeChanged,
                    $"{b.Path} is {self.SizeBytes.ToString(CultureInfo.InvariantCulture)} bytes; package {owner.Package.DisplayName} installed {size.ToString(CultureInfo.InvariantCulture)}"));
            }
        }

        if (expected?.Mode is uint mode && (mode & 0xFFFF) != self.Mode)
        {
            b.Status = FileOriginStatus.Modified;
            b.Findings.Add(new FileFinding(FileFindingKind.ModeChanged,
                $"{b.Path} has mode {FileFacts.ModeText(self.Mode)}; package {owner.Package.DisplayName} installed it as {FileFacts.ModeText(mode)}"));
        }
        else if (_index.StatOverrides.TryGetValue(canonical, out var statOverride) && (statOverride.Mode & 0xFFF) != (self.Mode & 0xFFFu))
        {
            b.Status = FileOriginStatus.Modified;
            b.Findings.Add(new FileFinding(FileFindingKind.ModeChanged,
                $"{b.Path} has mode {FileFacts.ModeText(self.Mode)}; dpkg-statoverride keeps it at {FileFacts.ModeText((uint)(self.Mode & FileFacts.TypeMask) | statOverride.Mode)}"));
        }

        if (expected?.LinkTarget is { } link && self.IsLink && b.LinkTarget != link)
        {
            b.Status = FileOriginStatus.Modified;
            b.Findings.Add(new FileFinding(FileFindingKind.LinkChanged, $"{b.Path} points to {b.LinkTarget}; package {owner.Package.DisplayName} installed a link to {link}"));
        }
        return owner;
    }

    private static void SetOwner(FileOriginBuilder b, PackageListing owner, IReadOnlyList<PackageListing> listings)
    {
        b.Package = owner.Package.DisplayName;
        b.Version = owner.Package.Version;
        b.Architecture = owner.Package.Architecture;
        b.PackageManager = owner.Package.Manager;
        b.ListedAs = owner.ListedAs;
        b.Packages.AddRange(listings.Select(l => l.Package.DisplayName).Distinct());
    }

    private DpkgAlternative? AlternativeOf(string path, FileOriginBuilder b)
    {
        if (_index.DpkgDirectory is null) return null;
        string? name = null;
        if (path.StartsWith(DpkgAlternatives.LinkDirectory, StringComparison.Ordinal)) name = path[DpkgAlternatives.LinkDirectory.Length..];
        else if (b.LinkTarget is { } link)
        {
            // Links are absolute on a real system (/etc/alternatives/editor); a relative one is taken from its directory.
            var absolute = System.IO.Path.GetFullPath(link, System.IO.Path.GetDirectoryName(path) ?? "/");
            if (absolute.StartsWith(DpkgAlternatives.LinkDirectory, StringComparison.Ordinal)) name = absolute[DpkgAlternatives.LinkDirectory.Length..];
        }
        if (name is null || name.Contains('/')) return null;
        return DpkgAlternatives.Find(_index.Root, System.IO.Path.Combine(_index.DpkgDirectory, "alternatives"), name, path);
    }

    /// <summary>" from package X" or " (owned by no package)" for a path named in a message.</summary>
    private string OwnerText(string path)
    {
        var listings = _index.Find(_index.Usr.Canonical(path));
        return listings.Count == 0 ? " (owned by no package)" : " from package " + listings[0].Package.DisplayName;
    }

    /// <summary>Where the file stands on PATH: its position, whether a shell runs it, and which other file of the
    /// same name it shadows or is shadowed by.</summary>
    private void PlaceOnPath(FileOriginBuilder b, string path, FileFacts target)
    {
        if (_searchPath is null || !target.IsRegular) return;
        var directory = System.IO.Path.GetDirectoryName(path);
        var name = System.IO.Path.GetFileName(path);
        if (directory is null || name.Length == 0) return;
        var order = _searchPath.OrderOf(directory);
        if (order is null) return;
        b.PathOrder = order;
        b.Command = name;

        var candidates = _searchPath.Candidates(name).ToList();
        var first = candidates.FirstOrDefault();
        b.RunsFirst = candidates.Count > 0 && first.Order == order;
        bool owned = b.Package is not null;
        var self = owned ? $"{path} from package {b.Package}" : path;

        var seen = new List<FileFacts>();
        foreach (var other in candidates)
        {
            if (other.Order == order) continue;
            // /usr/bin/x and /bin/x on merged /usr are one file: said once.
            if (seen.Any(s => s.SameFileAs(other.Target)) && !other.Target.SameFileAs(target)) continue;
            seen.Add(other.Target);
            if (other.Target.SameFileAs(target))
            {
                if (other.Order < order)
                    b.Findings.Add(new FileFinding(FileFindingKind.SameFile, $"{path} is the same file as {other.Path}, which comes earlier on PATH", other.Path));
                continue;
            }
            var otherOwner = _index.Find(_index.Usr.Canonical(other.Path)).FirstOrDefault().Package?.DisplayName;
            var otherText = otherOwner is null ? $"{other.Path} (owned by no package)" : $"{other.Path} from package {otherOwner}";
            if (other.Order < order)
            {
                if (other.Order != first.Order) continue; // only the one a shell really runs
                b.Findings.Add(new FileFinding(FileFindingKind.ShadowedBy,
                    $"{self} is shadowed by {otherText}, earlier on PATH: a shell runs that one", other.Path, otherOwner));
            }
            else if (!owned || otherOwner != b.Package)
            {
                b.Findings.Insert(owned ? b.Findings.Count : 0, new FileFinding(FileFindingKind.Shadows,
                    owned ? $"{self} shadows {otherText}, later on PATH" : $"{path} is owned by no package and shadows {otherText}",
                    other.Path, otherOwner));
            }
        }
    }

    private string HostPath(string path) => _index.Root == "/" ? path : _index.Root + path;
}
