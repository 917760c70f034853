namespace Diag.Linux.Packages.Integrity;

/// <summary>One file of a package checked against the digest the package recorded (a line of debsums).</summary>
public sealed class PackageFileCheck
{
    internal PackageFileCheck(InstalledPackage package, string path, PackageFileStatus status, bool isConffile, DigestAlgorithm algorithm,
        string expectedDigest, string? actualDigest, string message)
    {
        Package = package.DisplayName;
        Version = package.Version;
        PackageManagerValue = package.Manager;
        Path = path;
        StatusValue = status;
        IsConffile = isConffile;
        DigestAlgorithmValue = algorithm;
        ExpectedDigest = expectedDigest;
        ActualDigest = actualDigest;
        Message = message;
    }

    public string Package { get; }

    public string Version { get; }

    public string PackageManager => PackageManagerValue.ToString();

    internal Packages.PackageManager PackageManagerValue { get; }

    /// <summary>Where the file is on disk (a diverted file is checked where the diversion put it).</summary>
    public string Path { get; }

    /// <summary>Ok, Modified, Missing, Replaced or Unreadable (a <see cref="PackageFileStatus"/> name).</summary>
    public string Status => StatusValue.ToString();

    internal PackageFileStatus StatusValue { get; }

    /// <summary>A configuration file (checked only with -IncludeConffile, as debsums -a).</summary>
    public bool IsConffile { get; }

    public string DigestAlgorithm => DigestAlgorithmValue.ToString();

    internal Packages.DigestAlgorithm DigestAlgorithmValue { get; }

    public string ExpectedDigest { get; }

    public string? ActualDigest { get; }

    /// <summary>The result in a sentence.</summary>
    public string Message { get; }

    public override string ToString() => Path + ": " + Status;
}
