using Diag.Linux.Output;

namespace Diag.Linux.Packages.Origins;

/// <summary>
/// Where a file comes from: the package that owns it (dpkg -S, rpm -qf), whether it still is what the package
/// installed (debsums, rpm -V), where it stands on PATH (which -a) and, for a process, the program it really runs
/// (/proc/PID/exe, also deleted or in memory), with each finding in a plain sentence.
/// </summary>
public sealed class FileOrigin
{
    internal FileOrigin(FileOriginBuilder b)
    {
        Path = b.Path;
        StatusValue = b.Status;
        Package = b.Package;
        Version = b.Version;
        Architecture = b.Architecture;
        PackageManagerValue = b.PackageManager;
        Packages = ItemList.Of(b.Packages);
        ListedAs = b.ListedAs;
        IsConffile = b.IsConffile;
        Findings = ItemList.Of(b.Findings);
        Message = string.Join(" ", b.Findings.Select(f => f.Message.EndsWith('.') ? f.Message : f.Message + "."));
        KindValue = b.Kind;
        LinkTarget = b.LinkTarget;
        ResolvedPath = b.ResolvedPath;
        SizeBytes = b.SizeBytes;
        Mode = b.Mode;
        LastWriteTime = b.LastWriteTime;
        DigestAlgorithmValue = b.DigestAlgorithm;
        ExpectedDigest = b.ExpectedDigest;
        ActualDigest = b.ActualDigest;
        Alternative = b.Alternative;
        DivertedBy = b.DivertedBy;
        Command = b.Command;
        PathOrder = b.PathOrder;
        RunsFirst = b.RunsFirst;
        ProcessId = b.ProcessId;
        ProcessName = b.ProcessName;
    }

    /// <summary>The path looked up (absolute; for a process, the program it runs, as /proc/PID/exe names it).</summary>
    public string Path { get; }

    /// <summary>The verdict in one word (a <see cref="FileOriginStatus"/> name: Ok, Modified, Unverified, NotOwned, Missing,
    /// Deleted, InMemory); <see cref="Findings"/> say why. A string, so that it reads the same in a table, after
    /// remoting, in CSV and in JSON.</summary>
    public string Status => StatusValue.ToString();

    internal FileOriginStatus StatusValue { get; }

    /// <summary>The owning package as its tools print it (libc6:amd64 for a Multi-Arch: same package); null when none.</summary>
    public string? Package { get; }

    public string? Version { get; }

    public string? Architecture { get; }

    /// <summary>The database the owner was found in (Dpkg, Rpm).</summary>
    public string? PackageManager => PackageManagerValue?.ToString();

    internal Packages.PackageManager? PackageManagerValue { get; }

    /// <summary>Every package that lists the path (directories are shared; Multi-Arch: same files too).</summary>
    public ItemList<string> Packages { get; }

    /// <summary>The path as the package lists it (/bin/bash for /usr/bin/bash on merged /usr).</summary>
    public string? ListedAs { get; }

    /// <summary>A configuration file of its package (local edits expected, kept on upgrade).</summary>
    public bool IsConffile { get; }

    /// <summary>What was found, each in a sentence, most important first.</summary>
    public ItemList<FileFinding> Findings { get; }

    /// <summary>The findings' sentences together.</summary>
    public string Message { get; }

    /// <summary>File, Directory, SymbolicLink, Other, Missing or Memory (a <see cref="FileNodeKind"/> name).</summary>
    public string Kind => KindValue.ToString();

    internal FileNodeKind KindValue { get; }

    /// <summary>Where a symlink points (readlink).</summary>
    public string? LinkTarget { get; }

    /// <summary>The file reached after every symlink (readlink -f); null when missing.</summary>
    public string? ResolvedPath { get; }

    public long? SizeBytes { get; }

    /// <summary>The mode as ls prints it (-rwxr-xr-x).</summary>
    public string? Mode { get; }

    public DateTime? LastWriteTime { get; }

    /// <summary>The algorithm of the package's digest (Md5 for dpkg, usually Sha256 for RPM).</summary>
    public string? DigestAlgorithm => DigestAlgorithmValue?.ToString();

    internal Packages.DigestAlgorithm? DigestAlgorithmValue { get; }

    /// <summary>The digest the package recorded; null when it recorded none.</summary>
    public string? ExpectedDigest { get; }

    /// <summary>The digest of the file on disk (of the running program for a process).</summary>
    public string? ActualDigest { get; }

    /// <summary>The update-alternatives name when the path is a link it manages (editor for /usr/bin/editor).</summary>
    public string? Alternative { get; }

    /// <summary>The package (or "local") that diverted this path with dpkg-divert.</summary>
    public string? DivertedBy { get; }

    /// <summary>The command name when the file is in a PATH directory.</summary>
    public string? Command { get; }

    /// <summary>The position of its directory on PATH (1 is first); null when not on PATH.</summary>
    public int? PathOrder { get; }

    /// <summary>True for the file a shell runs for <see cref="Command"/> (the first executable match on PATH); null off PATH.</summary>
    public bool? RunsFirst { get; }

    /// <summary>The process that runs it, when looked up from a process.</summary>
    public int? ProcessId { get; }

    public string? ProcessName { get; }

    public override string ToString() =>
        Path + ": " + (Package is null ? Status.ToString() : Package + " " + Version + (StatusValue == FileOriginStatus.Ok ? "" : " (" + Status + ")"));
}

/// <summary>What kind of file a path is.</summary>
public enum FileNodeKind
{
    File,
    Directory,
    SymbolicLink,
    Other,
    Missing,

    /// <summary>A program in memory (memfd) that a process runs.</summary>
    Memory,
}

/// <summary>The mutable side of a <see cref="FileOrigin"/> while the resolver fills it in.</summary>
internal sealed class FileOriginBuilder
{
    public FileOriginBuilder(string path) => Path = path;

    public string Path;
    public FileOriginStatus Status;
    public string? Package, Version, Architecture, ListedAs, LinkTarget, ResolvedPath, Mode, ExpectedDigest, ActualDigest, Alternative,
        DivertedBy, Command, ProcessName;
    public PackageManager? PackageManager;
    public List<string> Packages = new();
    public bool IsConffile;
    public List<FileFinding> Findings = new();
    public FileNodeKind Kind;
    public long? SizeBytes;
    public DateTime? LastWriteTime;
    public DigestAlgorithm? DigestAlgorithm;
    public int? PathOrder, ProcessId;
    public bool? RunsFirst;

    public FileOrigin Build() => new(this);
}
