namespace Diag.Linux.Packages;

/// <summary>One installed package as its database records it, and the expected state of its files (read on first
/// use: the index needs only names and paths, a verification the digests of the packages it touches).</summary>
internal abstract class InstalledPackage
{
    protected InstalledPackage(string name, string version, string architecture, string state)
    {
        Name = name;
        Version = version;
        Architecture = architecture;
        State = state;
    }

    public string Name { get; }

    public string Version { get; }

    public string Architecture { get; }

    /// <summary>The database's word for its state: dpkg's third Status word ("installed", "config-files",
    /// "half-configured"…), "installed" for RPM.</summary>
    public string State { get; }

    public abstract PackageManager Manager { get; }

    /// <summary>The name as the package tools print it (dpkg -S prints "libc6:amd64" for a Multi-Arch: same package).</summary>
    public virtual string DisplayName => Name;

    /// <summary>What the database recorded for <paramref name="listedPath"/> (as the package lists it); null when the
    /// package does not list it or recorded nothing about it.</summary>
    public abstract ExpectedFile? Expected(string listedPath);

    /// <summary>Every file the package recorded a digest for (what debsums or rpm -V check), as listed.</summary>
    public abstract IEnumerable<KeyValuePair<string, ExpectedFile>> FilesWithDigests(bool includeConffiles);

    /// <summary>False when the package recorded no digests at all (dpkg: no md5sums file; debsums -l lists these).</summary>
    public abstract bool HasDigests { get; }

    public override string ToString() => DisplayName + " " + Version;
}
