using Diag.Linux.ProcFs;

namespace Diag.Linux.Pipes;

/// <summary>Which endpoints a <see cref="PipePeerFinder"/> reports: those of a <see cref="ProcessSelection"/> (by PID or
/// name), every holder of some inodes, or every pipe, FIFO and Unix socket on the machine; optionally only some
/// descriptor numbers of the processes.</summary>
public sealed class PipeSelection
{
    private PipeSelection(ProcessSelection processes, IReadOnlyList<long>? inodes, IReadOnlySet<int>? fileDescriptors)
    {
        Processes = processes;
        Inodes = inodes;
        FileDescriptors = fileDescriptors;
    }

    /// <summary>The endpoints of these processes (<see cref="ProcessSelection.All"/>: every endpoint on the machine).
    /// A PID that does not exist is reported in <see cref="PipeScanResult.MissingProcessIds"/>.</summary>
    public static PipeSelection For(ProcessSelection processes) => new(processes, null, null);

    /// <summary>Every pipe, FIFO and Unix socket descriptor of every process.</summary>
    public static PipeSelection All() => new(ProcessSelection.All, null, null);

    /// <summary>The endpoints of these processes.</summary>
    public static PipeSelection ForProcessIds(IEnumerable<int> processIds) => new(ProcessSelection.ForIds(processIds), null, null);

    /// <summary>The endpoints of processes whose name matches any pattern, as Get-Process matches.</summary>
    public static PipeSelection ForProcessNames(IEnumerable<Func<string, bool>> namePatterns) => new(ProcessSelection.ForNames(namePatterns), null, null);

    /// <summary>Every holder of a pipe, FIFO or Unix socket with one of these inode numbers.</summary>
    public static PipeSelection ForInodes(IEnumerable<long> inodes) => new(ProcessSelection.All, inodes.Distinct().ToArray(), null);

    /// <summary>The same selection keeping only these descriptor numbers (null: all).</summary>
    public PipeSelection WithFileDescriptors(IEnumerable<int>? fileDescriptors) =>
        new(Processes, Inodes, fileDescriptors is null ? null : new HashSet<int>(fileDescriptors));

    /// <summary>The processes whose endpoints are reported (all of them for an inode query, which looks everywhere).</summary>
    public ProcessSelection Processes { get; }

    /// <summary>The PIDs asked for, or null.</summary>
    public IReadOnlyList<int>? ProcessIds => Processes.ProcessIds;

    /// <summary>The name patterns, or null.</summary>
    public ProcessNamePatterns? NamePatterns => Processes.Names;

    /// <summary>The inodes asked for, or null.</summary>
    public IReadOnlyList<long>? Inodes { get; }

    /// <summary>Only these descriptor numbers are reported, or all when null.</summary>
    public IReadOnlySet<int>? FileDescriptors { get; }

    /// <summary>True for <see cref="All"/>.</summary>
    public bool IsAll => Processes.IsAll && Inodes is null;
}
