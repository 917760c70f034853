using System.Globalization;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Interop;
using Diag.Linux.Limits;

namespace Diag.Commands;

/// <summary>
/// Get-ProcessLimit: every resource limit of a process like prlimit --pid, with what it uses of each, a status
/// (Ok, NearLimit, TooHigh), where the limit came from and how to change it; -All: the limits with a known use of
/// every process, least headroom first.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProcessLimit", DefaultParameterSetName = NameSet)]
[OutputType(typeof(ProcessLimit))]
public sealed class GetProcessLimitCommand : ProcessCmdlet
{
    private const string AllSet = "All";

    /// <summary>Only these limits (OpenFiles, Processes, AddressSpace...).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public ResourceLimitKind[]? Resource { get; set; }

    /// <summary>Every process's limits that have a known use, the least headroom first.</summary>
    [Parameter(ParameterSetName = AllSet, Mandatory = true)]
    public SwitchParameter All { get; set; }

    protected override void EndProcessing()
    {
        ProcessLimitReader reader;
        try
        {
            reader = new ProcessLimitReader();
        }
        catch (SyscallException e)
        {
            ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
            return;
        }
        using (reader)
        {
            if (All) ReadAll(reader);
            else ReadSelected(reader);
        }
    }

    private void ReadSelected(ProcessLimitReader reader)
    {
        int unreadable = 0;
        foreach (int pid in ResolveProcesses())
        {
            if (StopToken.IsCancellationRequested) return;
            var result = reader.Read(pid, "");
            if (result.Problem is { } problem)
            {
                bool zombieByWildcard = problem.Contains("zombie", StringComparison.Ordinal) && ParameterSetName == NameSet && Name.Any(WildcardPattern.ContainsWildcardCharacters);
                if (zombieByWildcard) WriteVerbose($"Skipped process {pid}: {problem}");
                else if (!SkipIfExitedSinceNameMatch(pid, "its limits were read")) WriteDiagError(LimitErrors.Unreadable(pid, problem));
                continue;
            }
            if (result.DescriptorsUnreadable) unreadable++;
            WriteObject(result.Limits.Where(Wanted), enumerateCollection: true);
        }
        WarnUnreadable(unreadable);
    }

    private void ReadAll(ProcessLimitReader reader)
    {
        var progress = new ProgressRecord(1, "Get-ProcessLimit", "Reading the limits of every process");
        var rows = reader.ReadAll(StopToken, (done, total) =>
        {
            progress.PercentComplete = total == 0 ? 0 : Math.Min(100, 100 * done / total);
            progress.StatusDescription = string.Create(CultureInfo.InvariantCulture, $"Reading the limits of every process: {done} of {total}");
            WriteProgress(progress);
        }, out int unreadable);
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        if (StopToken.IsCancellationRequested) return;
        WarnUnreadable(unreadable);
        foreach (var row in rows.Where(Wanted))
        {
            // Rows of many processes sorted by headroom: the view with the process on each line, not grouped by process.
            var tagged = PSObject.AsPSObject(row);
            tagged.TypeNames.Insert(0, typeof(ProcessLimit).FullName + "#All");
            WriteObject(tagged);
        }
    }

    private bool Wanted(ProcessLimit limit) => Resource is null || Resource.Any(r => r.ToString() == limit.Resource);

    private void WarnUnreadable(int processes)
    {
        if (processes > 0)
            WriteWarning(string.Create(CultureInfo.InvariantCulture,
                $"The open descriptors of {processes} process(es) could not be counted (/proc/PID/fd needs ptrace access), so their OpenFiles use is empty. Run as root or with CAP_SYS_PTRACE."));
    }
}
