namespace Diag.Linux.Packages;

/// <summary>What a package database recorded for one of its files: the digest (null when none was recorded: dpkg
/// records none for symlinks, and some packages ship no md5sums), and where the database keeps them (RPM; dpkg only
/// through dpkg-statoverride) its size, mode, owner and link target.</summary>
internal readonly record struct ExpectedFile(
    string? Digest,
    DigestAlgorithm Algorithm,
    bool IsConffile,
    long? SizeBytes = null,
    uint? Mode = null,
    string? UserName = null,
    string? GroupName = null,
    string? LinkTarget = null);
