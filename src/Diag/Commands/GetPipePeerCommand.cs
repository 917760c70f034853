using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Interop;
using Diag.Linux.Pipes;

namespace Diag.Commands;

/// <summary>
/// Get-PipePeer: who is at the other end of a process's pipes, FIFOs and Unix sockets, how full each pipe
/// is, which threads are blocked on it and what is wrong (lsof | awk on the inode, and ss -xp, as objects).
/// Collects every input in ProcessRecord and scans once in EndProcessing.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PipePeer", DefaultParameterSetName = NameSet)]
[OutputType(typeof(PipeEndpoint))]
public sealed class GetPipePeerCommand : ProcessCmdlet
{
    private const string InodeSet = "Inode", AllSet = "All";

    /// <summary>Keep only these descriptor numbers of the processes.</summary>
    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = InputObjectSet)]
    [Alias("Fd")]
    [ValidateNotNullOrEmpty]
    [ValidateRange(0, int.MaxValue)]
    public int[]? FileDescriptor { get; set; }

    /// <summary>Every holder of the pipe, FIFO or socket with this inode (lsof's NODE, the N of pipe:[N]).</summary>
    [Parameter(ParameterSetName = InodeSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, long.MaxValue)]
    public long[] Inode { get; set; } = Array.Empty<long>();

    /// <summary>Every pipe, FIFO and Unix socket descriptor on the machine.</summary>
    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter All { get; set; }

    protected override void EndProcessing()
    {
        var processes = ProcessSelection();
        if (processes is null && SelectsProcesses) return; // -Id or Get-Process input that brought no process
        var selection = ParameterSetName switch
        {
            InodeSet => PipeSelection.ForInodes(Inode),
            AllSet => PipeSelection.All(),
            _ => PipeSelection.For(processes!),
        };
        if (FileDescriptor is not null) selection = selection.WithFileDescriptors(FileDescriptor);

        PipePeerFinder finder;
        try
        {
            finder = new PipePeerFinder();
        }
        catch (SyscallException e)
        {
            ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
            return;
        }

        PipeScanResult result;
        var progress = new ProgressRecord(1, "Get-PipePeer", "Reading open files in /proc");
        using (finder)
        {
            result = finder.Find(selection, StopToken, (done, total) =>
            {
                progress.PercentComplete = total == 0 ? 0 : Math.Min(100, 100 * done / total);
                progress.StatusDescription = string.Create(CultureInfo.InvariantCulture, $"Reading open files in /proc: {done} of {total} processes");
                WriteProgress(progress);
            });
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        if (result.Cancelled) return;

        WriteErrors(result);
        WriteWarnings(result);
        WriteObject(result.Endpoints, enumerateCollection: true);
    }

    private void WriteErrors(PipeScanResult result)
    {
        WriteNotFound(result.MissingProcessIds, result.UnmatchedNamePatterns);
        foreach (int pid in result.DeniedProcessIds) WriteDiagError(AccessDenied(pid));
        foreach (long inode in result.UnmatchedInodes) WriteDiagError(InodeNotFound(inode));
        foreach (var other in result.OtherDescriptors) WriteDiagError(NotAPipe(other));
    }

    private void WriteWarnings(PipeScanResult result)
    {
        if (result.ProcessesNotPermitted > 0)
            WriteWarning(Plural(result.ProcessesNotPermitted, "process", "processes") + " could not be inspected (not permitted to read /proc/PID/fd): " +
                         "their ends of pipes and sockets are missing, so a NoReader, NoWriter or SelfLoop may be wrong. " +
                         "Run as root, or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, to see every process.");
        if (result.ProcessesInOtherNetworkNamespaces > 0)
            WriteWarning(Plural(result.ProcessesInOtherNetworkNamespaces, "process has", "processes have") + " sockets in another network namespace (a container) " +
                         "that could not be entered: their Unix sockets are not shown. Run as root (entering a namespace needs CAP_SYS_ADMIN), " +
                         "or run Get-PipePeer in that namespace: nsenter --net=/proc/PID/ns/net pwsh.");
        if (result.PipesWithoutFill > 0)
            WriteWarning("BufferedBytes and Capacity are empty for " + Plural(result.PipesWithoutFill, "pipe", "pipes") + ": reading a pipe's fill needs " +
                         "pidfd_getfd (Linux 5.6 or later) and ptrace access to one of its holders. Run as root or with CAP_SYS_PTRACE.");
        if (result.ProcessesWithoutThreads > 0)
            WriteWarning("BlockedThreads is empty for " + Plural(result.ProcessesWithoutThreads, "process", "processes") + ": a thread's current system call " +
                         "needs ptrace access to read. Run as root or with CAP_SYS_PTRACE.");
    }

    private static string Plural(int count, string one, string many) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

    private static DiagError AccessDenied(int pid) => new(
        new UnauthorizedAccessException($"Not permitted to read the open files of process {pid} (/proc/{pid}/fd)."),
        "AccessDenied", ErrorCategory.PermissionDenied, pid,
        "Run as root or as the process's owner; another user's descriptors need CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH.");

    private static DiagError InodeNotFound(long inode) => new(
        new ArgumentException($"No process holds a pipe, FIFO or Unix socket with inode {inode}."),
        "InodeNotFound", ErrorCategory.ObjectNotFound, inode,
        "Take the inode from lsof's NODE column or from /proc/PID/fd (pipe:[N], socket:[N]); the last holder may have closed it, " +
        "and a socket of another network namespace is not visible from this one.");

    private static DiagError NotAPipe(OtherDescriptor other) => new(
        new ArgumentException(other.Target == "not open"
            ? $"fd {other.FileDescriptor} of process {other.ProcessId} is not open."
            : $"fd {other.FileDescriptor} of process {other.ProcessId} is not a pipe, FIFO or Unix socket: it is {other.Target}."),
        "NotAPipe", ErrorCategory.InvalidArgument, other.FileDescriptor,
        $"Run Get-PipePeer -Id {other.ProcessId} without -FileDescriptor to see its pipes and sockets.");
}
