namespace Diag.Linux.Packages;

/// <summary>The package database a file's owner was found in.</summary>
public enum PackageManager
{
    /// <summary>Debian's dpkg (/var/lib/dpkg): Debian, Ubuntu and their derivatives.</summary>
    Dpkg,

    /// <summary>RPM's database (/var/lib/rpm/rpmdb.sqlite): Fedora, RHEL and their derivatives, SUSE.</summary>
    Rpm,
}
