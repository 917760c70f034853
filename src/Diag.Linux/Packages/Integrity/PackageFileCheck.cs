namespace Diag.Linux.Packages.Integrity;

/// <summary>One file of a package checked against the digest the package recorded (a line of debsums).</summary>
public sealed class PackageFileCheck
{
    internal PackageFileCheck(InstalledPackage package, string path, PackageFileStatus status, bool isConffile, DigestAlgorithm algorithm,
        string expectedDigest, string? actualDigest, string message)
    {
        Package = package.DisplayName;
        Version = package.Version;
        PackageManager = package.Manager;
        Path = path;
        Status = status;
        IsConffile = isConffile;
        DigestAlgorithm = algorithm;
        ExpectedDigest = expectedDigest;
        ActualDigest = actualDigest;
        Message = message;
    }

    public string Package { get; }

    public string Version { get; }

    public PackageManager PackageManager { get; }

    /// <summary>Where the file is on disk (a diverted file is checked where the diversion put it).</summary>
    public string Path { get; }

    public PackageFileStatus Status { get; }

    /// <summary>A configuration file (checked only with -IncludeConffile, as debsums -a).</summary>
    public bool IsConffile { get; }

    public DigestAlgorithm DigestAlgorithm { get; }

    public string ExpectedDigest { get; }

    public string? ActualDigest { get; }

    /// <summary>The result in a sentence.</summary>
    public string Message { get; }

    public override string ToString() => Path + ": " + Status;
}
