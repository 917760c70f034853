namespace Diag.Linux.Packages.Origins;

/// <summary>What a finding about a file says.</summary>
public enum FileFindingKind
{
    /// <summary>No installed package lists the file.</summary>
    NotOwned,

    /// <summary>Earlier on PATH than a different file of the same name: a shell runs this one instead.</summary>
    Shadows,

    /// <summary>Later on PATH than a different file of the same name: a shell runs the other one.</summary>
    ShadowedBy,

    /// <summary>The same file as another PATH entry's (merged /usr: /bin/ls is /usr/bin/ls).</summary>
    SameFile,

    /// <summary>The content differs from the package's digest.</summary>
    Modified,

    /// <summary>A configuration file differs from what the package installed (local edits are expected).</summary>
    ConffileModified,

    /// <summary>The size differs from the package's record (RPM).</summary>
    SizeChanged,

    /// <summary>The permissions or type differ from the package's record (RPM, or dpkg-statoverride).</summary>
    ModeChanged,

    /// <summary>The owner or group differs from the package's record (RPM, or dpkg-statoverride).</summary>
    OwnerChanged,

    /// <summary>A symlink points elsewhere than the package's record (RPM).</summary>
    LinkChanged,

    /// <summary>The package recorded no digest for the file.</summary>
    NoDigest,

    /// <summary>Listed by a package but absent from disk.</summary>
    Missing,

    /// <summary>A process runs a program file deleted since it started.</summary>
    DeletedWhileRunning,

    /// <summary>A process runs a program from memory (memfd).</summary>
    RunsFromMemory,

    /// <summary>A dpkg-divert moved a package's file aside.</summary>
    Diverted,

    /// <summary>A link managed by update-alternatives.</summary>
    Alternative,
}
