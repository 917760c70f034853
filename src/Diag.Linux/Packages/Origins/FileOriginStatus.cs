namespace Diag.Linux.Packages.Origins;

/// <summary>The verdict on one file, in one word (the findings say why).</summary>
public enum FileOriginStatus
{
    /// <summary>Owned by a package and, where it recorded a digest, identical to it (or managed by update-alternatives).</summary>
    Ok,

    /// <summary>Owned by a package but different from what it installed: digest, size, mode or link target.</summary>
    Modified,

    /// <summary>Owned by a package that recorded no digest for it: ownership is known, content is not verified.</summary>
    Unverified,

    /// <summary>Listed by no installed package.</summary>
    NotOwned,

    /// <summary>Listed by a package but absent from disk.</summary>
    Missing,

    /// <summary>A process runs a program file that was deleted (or replaced) after it started.</summary>
    Deleted,

    /// <summary>A process runs a program from memory (memfd), which no file or package holds.</summary>
    InMemory,
}
