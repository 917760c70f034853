namespace Diag.Linux.Stacks;

/// <summary>One line of /proc/PID/maps: an address range, its permissions, and the file it maps (with the
/// path as the process sees it: inside a container, the container's path).</summary>
internal sealed class MemoryMapping
{
    private const string DeletedSuffix = " (deleted)";

    public required ulong Start { get; init; }

    public required ulong End { get; init; }

    public required bool Readable { get; init; }

    public required bool Executable { get; init; }

    public required ulong Offset { get; init; }

    public required uint DeviceMajor { get; init; }

    public required uint DeviceMinor { get; init; }

    public required ulong Inode { get; init; }

    /// <summary>The path column: a file path (maybe ending in " (deleted)"), "[vdso]", "[stack]", or empty.</summary>
    public required string Path { get; init; }

    /// <summary>A file on disk (not anonymous memory, not a kernel-provided region like [vdso]).</summary>
    public bool IsFile => Inode != 0 && Path.StartsWith('/');

    /// <summary>The file was deleted (or replaced) since it was mapped: only /proc/PID/map_files reaches it.</summary>
    public bool IsDeleted => Path.EndsWith(DeletedSuffix, StringComparison.Ordinal);

    /// <summary>The path without the " (deleted)" mark.</summary>
    public string FilePath => IsDeleted ? Path[..^DeletedSuffix.Length] : Path;

    public bool Contains(ulong address) => address >= Start && address < End;

    /// <summary>The entry name under /proc/PID/map_files: "start-end" in lowercase hex.</summary>
    public string MapFilesName => $"{Start:x}-{End:x}";
}
