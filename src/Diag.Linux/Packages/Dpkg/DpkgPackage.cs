namespace Diag.Linux.Packages.Dpkg;

/// <summary>A package of dpkg's database: its stanza of <c>status</c>, and its <c>info/NAME[:ARCH].md5sums</c>
/// read on first use. Conffiles' digests come from the status stanza (what dpkg compares at upgrade), since
/// md5sums leaves them out.</summary>
internal sealed class DpkgPackage : InstalledPackage
{
    private readonly Lazy<Dictionary<string, string>?> _md5sums;
    private readonly IReadOnlyDictionary<string, string?> _conffiles;

    /// <summary><paramref name="infoName"/> names its files in info/ (NAME, or NAME:ARCH for a Multi-Arch: same package);
    /// <paramref name="conffiles"/> maps each conffile (absolute path) to its digest (null for dpkg's "newconffile").</summary>
    public DpkgPackage(string name, string version, string architecture, string state, string infoName, string infoDirectory,
        IReadOnlyDictionary<string, string?> conffiles)
        : base(name, version, architecture, state)
    {
        InfoName = infoName;
        _conffiles = conffiles;
        _md5sums = new Lazy<Dictionary<string, string>?>(() => ReadMd5Sums(Path.Combine(infoDirectory, infoName + ".md5sums")));
    }

    public string InfoName { get; }

    public override PackageManager Manager => PackageManager.Dpkg;

    public override string DisplayName => InfoName;

    public IEnumerable<string> Conffiles => _conffiles.Keys;

    public override bool HasDigests => _md5sums.Value is not null || _conffiles.Count > 0;

    public override ExpectedFile? Expected(string listedPath)
    {
        if (_conffiles.TryGetValue(listedPath, out var conffileDigest)) return new ExpectedFile(conffileDigest, DigestAlgorithm.Md5, IsConffile: true);
        var sums = _md5sums.Value;
        if (sums is not null && listedPath.Length > 1 && sums.TryGetValue(listedPath[1..], out var digest)) return new ExpectedFile(digest, DigestAlgorithm.Md5, false);
        return null;
    }

    public override IEnumerable<KeyValuePair<string, ExpectedFile>> FilesWithDigests(bool includeConffiles)
    {
        if (_md5sums.Value is { } sums)
            foreach (var (relative, digest) in sums)
            {
                var path = "/" + relative;
                if (!_conffiles.ContainsKey(path)) yield return new(path, new ExpectedFile(digest, DigestAlgorithm.Md5, false));
            }
        if (!includeConffiles) yield break;
        foreach (var (path, digest) in _conffiles)
            if (digest is not null) yield return new(path, new ExpectedFile(digest, DigestAlgorithm.Md5, true));
    }

    /// <summary>md5sums: "HEX  relative/path" per line (two spaces; paths without the leading slash).</summary>
    private static Dictionary<string, string>? ReadMd5Sums(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            int space = line.IndexOf(' ');
            if (space <= 0) continue;
            var path = line[(space + 1)..].TrimStart(' ');
            if (path.Length > 0) sums[path] = line[..space].ToLowerInvariant();
        }
        return sums;
    }
}
