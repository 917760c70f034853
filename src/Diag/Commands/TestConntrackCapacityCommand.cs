using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Conntrack;
using Diag.Linux.Interop;

namespace Diag.Commands;

/// <summary>
/// Test-ConntrackCapacity: is the connection-tracking table of a network namespace full or filling, and what fills
/// it? One <see cref="ConntrackReport"/> per namespace, its checklist (Capacity, TableFullDrops, EarlyDrops, …) in
/// its Checks property, each with the command that fixes it. Every namespace by default; -NetworkNamespace or the
/// processes (-Name, -Id, Get-Process) choose. Reads only.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ConntrackCapacity", DefaultParameterSetName = AllSet)]
[OutputType(typeof(ConntrackReport))]
public sealed class TestConntrackCapacityCommand : ProcessCmdlet
{
    private const string AllSet = "All", NamespaceSet = "NetworkNamespace";

    protected override string WithoutProcessAlternative => "Without a process, Test-ConntrackCapacity checks every network namespace.";

    /// <summary>Network namespaces: an inode (4026532239, net:[4026532239]), an ip netns name, a namespace file's path
    /// (/proc/PID/ns/net), or All.</summary>
    [Parameter(ParameterSetName = NamespaceSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetworkNamespaceCompleter))]
    public string[] NetworkNamespace { get; set; } = [];

    /// <summary>How long the counters are watched for their rates; a bare number means seconds.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    [Alias("SampleSeconds")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many of the biggest consumers (states, sources, ports) each report keeps.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int Top { get; set; } = 5;

    protected override void BeginProcessing()
    {
        if (SampleInterval <= TimeSpan.Zero) ThrowTerminatingError(ParameterErrors.NotPositive(nameof(SampleInterval), SampleInterval).ToErrorRecord());
    }

    protected override void EndProcessing()
    {
        ConntrackInspector inspector;
        if (ParameterSetName == NamespaceSet) inspector = ConntrackInspector.ForNamespaces(NetworkNamespace, SampleInterval, Top);
        else if (SelectsProcesses)
        {
            var pids = ResolveProcesses();
            if (pids.Count == 0) return;
            inspector = ConntrackInspector.ForProcesses(pids, SampleInterval, Top);
        }
        else inspector = ConntrackInspector.ForAllNamespaces(SampleInterval, Top);

        var progress = new ProgressRecord(1, "Test-ConntrackCapacity", "Starting");
        try
        {
            foreach (var item in inspector.Run(StopToken))
            {
                if (item.Activity is { } activity)
                {
                    progress.StatusDescription = activity;
                    progress.PercentComplete = Math.Clamp(item.PercentComplete, 0, 100);
                    WriteProgress(progress);
                }
                else if (item.Verbose is { } note) WriteVerbose(note);
                else if (item.Problem is { } problem) Write(problem);
                else if (item.Report is { } report) WriteObject(report);
            }
        }
        catch (SyscallException e)
        {
            ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
        }
        finally
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    private void Write(ConntrackProblem problem)
    {
        switch (problem.Kind)
        {
            case ConntrackProblemKind.NamespaceNotFound when problem.ProcessId is { } pid:
                if (!SkipIfExitedSinceNameMatch(pid, "its network namespace was read")) WriteDiagError(ProcessErrors.ProcessNotFound(pid, WithoutProcessAlternative));
                break;
            case ConntrackProblemKind.NamespaceNotFound:
                WriteDiagError(NetworkNamespaceErrors.NotFound(problem.Target, problem.Detail));
                break;
            case ConntrackProblemKind.NamespaceNotEntered:
                WriteDiagError(NetworkNamespaceErrors.NotEntered(problem.Target, problem.Errno));
                break;
            case ConntrackProblemKind.NamespacesSkipped:
                WriteWarning(NetworkNamespaceErrors.Skipped(problem.Count, problem.Target, problem.Errno));
                break;
            case ConntrackProblemKind.CountersUnreadable:
                WriteDiagError(ConntrackErrors.CountersUnreadable(problem));
                break;
        }
    }
}
