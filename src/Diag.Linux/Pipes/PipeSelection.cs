namespace Diag.Linux.Pipes;

/// <summary>Which endpoints a <see cref="PipePeerFinder"/> reports: those of given processes (by PID or name),
/// every holder of some inodes, or every pipe, FIFO and Unix socket on the machine; optionally only some
/// descriptor numbers of the processes.</summary>
public sealed class PipeSelection
{
    private PipeSelection(IReadOnlyList<int>? processIds, IReadOnlyList<Func<string, bool>>? namePatterns,
        IReadOnlyList<long>? inodes, IReadOnlySet<int>? fileDescriptors)
    {
        ProcessIds = processIds;
        NamePatterns = namePatterns;
        Inodes = inodes;
        FileDescriptors = fileDescriptors;
    }

    /// <summary>Every pipe, FIFO and Unix socket descriptor of every process.</summary>
    public static PipeSelection All() => new(null, null, null, null);

    /// <summary>The endpoints of these processes; a PID that does not exist is reported in
    /// <see cref="PipeScanResult.MissingProcessIds"/>.</summary>
    public static PipeSelection ForProcessIds(IEnumerable<int> processIds) => new(processIds.Distinct().ToArray(), null, null, null);

    /// <summary>The endpoints of processes whose name (comm, or the untruncated executable name) matches any pattern.</summary>
    public static PipeSelection ForProcessNames(IEnumerable<Func<string, bool>> namePatterns) => new(null, namePatterns.ToArray(), null, null);

    /// <summary>Every holder of a pipe, FIFO or Unix socket with one of these inode numbers.</summary>
    public static PipeSelection ForInodes(IEnumerable<long> inodes) => new(null, null, inodes.Distinct().ToArray(), null);

    /// <summary>The same selection keeping only these descriptor numbers (null: all).</summary>
    public PipeSelection WithFileDescriptors(IEnumerable<int>? fileDescriptors) =>
        new(ProcessIds, NamePatterns, Inodes, fileDescriptors is null ? null : new HashSet<int>(fileDescriptors));

    /// <summary>The PIDs asked for, or null.</summary>
    public IReadOnlyList<int>? ProcessIds { get; }

    /// <summary>The name predicates, or null.</summary>
    public IReadOnlyList<Func<string, bool>>? NamePatterns { get; }

    /// <summary>The inodes asked for, or null.</summary>
    public IReadOnlyList<long>? Inodes { get; }

    /// <summary>Only these descriptor numbers are reported, or all when null.</summary>
    public IReadOnlySet<int>? FileDescriptors { get; }

    /// <summary>True for <see cref="All"/>.</summary>
    public bool IsAll => ProcessIds is null && NamePatterns is null && Inodes is null;
}
