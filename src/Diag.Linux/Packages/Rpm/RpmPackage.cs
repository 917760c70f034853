namespace Diag.Linux.Packages.Rpm;

/// <summary>A package of RPM's database: its header's name, version and file table (digests, sizes, modes, owners,
/// link targets, config and ghost flags), what rpm -V compares.</summary>
internal sealed class RpmPackage : InstalledPackage
{
    private const long RpmFileConfig = 1, RpmFileGhost = 64;
    private readonly Dictionary<string, ExpectedFile> _files;

    private RpmPackage(string name, string version, string architecture, Dictionary<string, ExpectedFile> files, string[] paths)
        : base(name, version, architecture, "installed")
    {
        _files = files;
        Paths = paths;
    }

    public override PackageManager Manager => PackageManager.Rpm;

    /// <summary>Every path of the file table, as listed.</summary>
    public string[] Paths { get; }

    public override bool HasDigests => _files.Values.Any(f => f.Digest is not null);

    public override ExpectedFile? Expected(string listedPath) => _files.TryGetValue(listedPath, out var f) ? f : null;

    public override IEnumerable<KeyValuePair<string, ExpectedFile>> FilesWithDigests(bool includeConffiles) =>
        _files.Where(f => f.Value.Digest is not null && (includeConffiles || !f.Value.IsConffile));

    /// <summary>The package a header describes; null for rpmdb's pseudo-packages without a name (gpg-pubkey has one,
    /// and no files).</summary>
    public static RpmPackage? From(RpmHeader header)
    {
        var name = header.String(RpmHeader.Name);
        if (name is null) return null;
        var epoch = header.Number(RpmHeader.Epoch);
        var version = (epoch is > 0 ? epoch + ":" : "") + header.String(RpmHeader.Version) + "-" + header.String(RpmHeader.Release);
        var baseNames = header.Strings(RpmHeader.BaseNames);
        var dirNames = header.Strings(RpmHeader.DirNames);
        var dirIndexes = header.Numbers(RpmHeader.DirIndexes);
        var digests = header.Strings(RpmHeader.FileDigests);
        var modes = header.Numbers(RpmHeader.FileModes);
        var sizes = header.Has(RpmHeader.LongFileSizes) ? header.Numbers(RpmHeader.LongFileSizes) : header.Numbers(RpmHeader.FileSizes);
        var flags = header.Numbers(RpmHeader.FileFlags);
        var users = header.Strings(RpmHeader.FileUserName);
        var groups = header.Strings(RpmHeader.FileGroupName);
        var links = header.Strings(RpmHeader.FileLinkTos);
        var algorithm = header.Number(RpmHeader.FileDigestAlgo) switch
        {
            null or 1 => DigestAlgorithm.Md5,
            2 => DigestAlgorithm.Sha1,
            9 => DigestAlgorithm.Sha384,
            10 => DigestAlgorithm.Sha512,
            _ => DigestAlgorithm.Sha256,
        };

        var files = new Dictionary<string, ExpectedFile>(baseNames.Length, StringComparer.Ordinal);
        var paths = new string[baseNames.Length];
        for (int i = 0; i < baseNames.Length; i++)
        {
            long dir = i < dirIndexes.Length ? dirIndexes[i] : -1;
            if (dir < 0 || dir >= dirNames.Length) throw new InvalidDataException($"Package {name} names a directory index out of range.");
            var path = dirNames[dir] + baseNames[i];
            paths[i] = path;
            long flag = At(flags, i) ?? 0;
            var digest = At(digests, i);
            uint? mode = At(modes, i) is long m ? (uint)m : null;
            bool regular = mode is uint md && (md & 0xF000) == 0x8000;
            files[path] = new ExpectedFile(
                // Ghost files are not installed by the package; directories and links carry no digest.
                regular && (flag & RpmFileGhost) == 0 && !string.IsNullOrEmpty(digest) ? digest.ToLowerInvariant() : null,
                algorithm, (flag & RpmFileConfig) != 0, regular ? At(sizes, i) : null, mode, At(users, i), At(groups, i),
                At(links, i) is { Length: > 0 } link ? link : null);
        }
        return new RpmPackage(name, version, header.String(RpmHeader.Arch) ?? "", files, paths);
    }

    private static T? At<T>(T[] values, int i) where T : class => i < values.Length ? values[i] : null;

    private static long? At(long[] values, int i) => i < values.Length ? values[i] : null;
}
