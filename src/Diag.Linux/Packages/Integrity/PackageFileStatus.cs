namespace Diag.Linux.Packages.Integrity;

/// <summary>How one file of a package compares with the digest the package recorded.</summary>
public enum PackageFileStatus
{
    Ok,

    /// <summary>The content differs (debsums -c lists it).</summary>
    Modified,

    /// <summary>Gone from disk.</summary>
    Missing,

    /// <summary>Something other than a regular file is at the path now.</summary>
    Replaced,

    /// <summary>Could not be read (permissions).</summary>
    Unreadable,
}
