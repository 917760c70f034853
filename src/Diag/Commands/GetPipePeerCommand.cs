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

        WriteVerbose(result.Description);
        WriteErrors(result);
        foreach (var warning in result.Warnings) WriteWarning(warning);
        WriteObject(result.Endpoints, enumerateCollection: true);
    }

    private void WriteErrors(PipeScanResult result)
    {
        WriteNotFound(result.MissingProcessIds, result.UnmatchedNamePatterns);
        foreach (int pid in result.DeniedProcessIds) WriteDiagError(PipeErrors.AccessDenied(pid));
        foreach (long inode in result.UnmatchedInodes) WriteDiagError(PipeErrors.InodeNotFound(inode));
        foreach (var other in result.OtherDescriptors) WriteDiagError(PipeErrors.NotAPipe(other));
    }
}
