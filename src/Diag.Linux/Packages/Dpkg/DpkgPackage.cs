namespace Diag.Linux.Packages.Dpkg;

/// <summary>A package of dpkg's database: its stanza of <c>status</c>, and its <c>info/NAME[:ARCH].md5sums</c>
/// read on first use and searched as bytes (a lookup finds its one line without parsing the others). Conffiles'
/// digests come from the status stanza (what dpkg compares at upgrade), since md5sums leaves them out.</summary>
internal sealed class DpkgPackage : InstalledPackage
{
    private readonly Lazy<byte[]?> _md5sums;
    private readonly Lazy<Dictionary<string, string>> _md5Index;

    /// <summary>Above this size an md5sums file is indexed once instead of searched per lookup (a package with thousands
    /// of files, many of them looked up).</summary>
    private const int SearchLimit = 32 * 1024;
    private readonly IReadOnlyDictionary<string, string?> _conffiles;

    /// <summary><paramref name="infoName"/> names its files in info/ (NAME, or NAME:ARCH for a Multi-Arch: same package);
    /// <paramref name="conffiles"/> maps each conffile (absolute path) to its digest (null for dpkg's "newconffile").</summary>
    public DpkgPackage(string name, string version, string architecture, string state, string infoName, string infoDirectory,
        IReadOnlyDictionary<string, string?> conffiles)
        : base(name, version, architecture, state)
    {
        InfoName = infoName;
        _conffiles = conffiles;
        _md5sums = new Lazy<byte[]?>(() => ReadMd5Sums(Path.Combine(infoDirectory, infoName + ".md5sums")));
        _md5Index = new Lazy<Dictionary<string, string>>(() => Lines(_md5sums.Value ?? []).ToDictionary(l => l.Relative, l => l.Digest, StringComparer.Ordinal));
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
        if (sums is null || listedPath.Length < 2) return null;
        if (sums.Length > SearchLimit)
            return _md5Index.Value.TryGetValue(listedPath[1..], out var indexed) ? new ExpectedFile(indexed, DigestAlgorithm.Md5, false) : null;
        // " relative/path\n" after a 32-digit digest at the start of its line.
        var pattern = System.Text.Encoding.UTF8.GetBytes(" " + listedPath[1..] + "\n");
        var text = sums.AsSpan();
        int from = 0;
        while (from < text.Length)
        {
            int at = text[from..].IndexOf(pattern);
            if (at < 0) break;
            at += from;
            int lineStart = text[..at].LastIndexOf((byte)'\n') + 1;
            var digest = text[lineStart..at].TrimEnd((byte)' ');
            if (digest.Length == 32 && IsHex(digest))
                return new ExpectedFile(System.Text.Encoding.ASCII.GetString(digest).ToLowerInvariant(), DigestAlgorithm.Md5, false);
            from = at + 1;
        }
        return null;
    }

    public override IEnumerable<KeyValuePair<string, ExpectedFile>> FilesWithDigests(bool includeConffiles)
    {
        if (_md5sums.Value is { } sums)
            foreach (var (relative, digest) in Lines(sums))
            {
                var path = "/" + relative;
                if (!_conffiles.ContainsKey(path)) yield return new(path, new ExpectedFile(digest, DigestAlgorithm.Md5, false));
            }
        if (!includeConffiles) yield break;
        foreach (var (path, digest) in _conffiles)
            if (digest is not null) yield return new(path, new ExpectedFile(digest, DigestAlgorithm.Md5, true));
    }

    /// <summary>md5sums as bytes: "HEX  relative/path" per line (two spaces; paths without the leading slash); null
    /// when the package ships none. A final line without a newline gets one, so that every line ends alike.</summary>
    private static byte[]? ReadMd5Sums(string file)
    {
        try
        {
            var bytes = File.ReadAllBytes(file);
            return bytes.Length == 0 || bytes[^1] == (byte)'\n' ? bytes : [.. bytes, (byte)'\n'];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<(string Relative, string Digest)> Lines(byte[] sums)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in System.Text.Encoding.UTF8.GetString(sums).Split('\n'))
        {
            int space = line.IndexOf(' ');
            if (space <= 0) continue;
            var path = line[(space + 1)..].TrimStart(' ');
            // A path listed twice keeps its first digest, as the search finds it.
            if (path.Length > 0 && seen.Add(path)) yield return (path, line[..space].ToLowerInvariant());
        }
    }

    private static bool IsHex(ReadOnlySpan<byte> digits)
    {
        foreach (byte b in digits)
            if (!char.IsAsciiHexDigit((char)b)) return false;
        return true;
    }
}
