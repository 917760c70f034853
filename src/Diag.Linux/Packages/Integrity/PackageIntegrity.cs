namespace Diag.Linux.Packages.Integrity;

/// <summary>One package verified whole: how many of its files were checked and how many differ or are gone.</summary>
public sealed class PackageIntegrity
{
    internal PackageIntegrity(InstalledPackage package, int checkedFiles, int modified, int missing, int unreadable)
    {
        Package = package.DisplayName;
        Version = package.Version;
        Architecture = package.Architecture;
        PackageManagerValue = package.Manager;
        FilesChecked = checkedFiles;
        Modified = modified;
        Missing = missing;
        Unreadable = unreadable;
        StatusValue = !package.HasDigests ? PackageIntegrityStatus.NoDigests
            : modified + missing > 0 ? PackageIntegrityStatus.Changed
            : unreadable > 0 ? PackageIntegrityStatus.Incomplete
            : PackageIntegrityStatus.Ok;
        Message = StatusValue switch
        {
            PackageIntegrityStatus.NoDigests => $"package {Package} recorded no digests (no md5sums): its files cannot be verified",
            PackageIntegrityStatus.Changed => $"{modified} of {checkedFiles} files of {Package} {Version} differ from the package" + (missing > 0 ? $", {missing} missing" : ""),
            PackageIntegrityStatus.Incomplete => $"{unreadable} of {checkedFiles} files of {Package} could not be read",
            _ => $"all {checkedFiles} files of {Package} {Version} match the package",
        };
    }

    public string Package { get; }

    public string Version { get; }

    public string Architecture { get; }

    public string PackageManager => PackageManagerValue.ToString();

    internal Packages.PackageManager PackageManagerValue { get; }

    /// <summary>Ok, Changed, Incomplete or NoDigests (a <see cref="PackageIntegrityStatus"/> name).</summary>
    public string Status => StatusValue.ToString();

    internal PackageIntegrityStatus StatusValue { get; }

    /// <summary>Files with a recorded digest that were compared.</summary>
    public int FilesChecked { get; }

    /// <summary>Files whose content (or type) differs.</summary>
    public int Modified { get; }

    public int Missing { get; }

    public int Unreadable { get; }

    public string Message { get; }

    public override string ToString() => Package + " " + Version + ": " + Status;
}

/// <summary>A package's verdict.</summary>
public enum PackageIntegrityStatus
{
    Ok,

    /// <summary>Some files differ or are missing.</summary>
    Changed,

    /// <summary>Some files could not be read.</summary>
    Incomplete,

    /// <summary>The package recorded no digests (debsums -l lists these).</summary>
    NoDigests,
}
