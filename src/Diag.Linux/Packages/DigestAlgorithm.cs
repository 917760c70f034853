namespace Diag.Linux.Packages;

/// <summary>The hash a package database recorded for a file: dpkg records MD5, RPM usually SHA-256
/// (its FILEDIGESTALGO tag, PGP hash algorithm numbers).</summary>
public enum DigestAlgorithm
{
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}
