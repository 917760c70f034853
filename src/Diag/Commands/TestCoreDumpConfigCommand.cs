using System.Diagnostics;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.CoreDumps;

namespace Diag.Commands;

/// <summary>
/// Test-CoreDumpConfig: the whole "why is there no core" checklist for a process (or, without one, for the
/// system) as one <see cref="CoreDumpCheck"/> per check followed by a <see cref="CoreDumpVerdict"/>; -Verify
/// proves it with a probe that crashes with the process's settings, never the process itself.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "CoreDumpConfig", DefaultParameterSetName = SystemSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(CoreDumpCheck), typeof(CoreDumpVerdict))]
public sealed class TestCoreDumpConfigCommand : DiagCmdlet
{
    private const string SystemSet = "System", IdSet = "Id", NameSet = "Name", InputObjectSet = "InputObject";

    private const string SystemWideAlternative = "Without a process, Test-CoreDumpConfig checks the system-wide settings.";

    private readonly List<int> _processIds = new();

    /// <summary>Process IDs to check.</summary>
    [Parameter(ParameterSetName = IdSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ProcessId", "Pid")]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    [ValidateRange(1, int.MaxValue)]
    public int[] Id { get; set; } = [];

    /// <summary>Process names to check; wildcards allowed, matched as Get-Process does.</summary>
    [Parameter(ParameterSetName = NameSet, Mandatory = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProcessNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Processes from Get-Process.</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    public Process[] InputObject { get; set; } = [];

    /// <summary>Prove the checklist: crash a probe with the process's settings and look for its core (then delete it).</summary>
    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = InputObjectSet)]
    public SwitchParameter Verify { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet) _processIds.AddRange(Id);
        else if (ParameterSetName == InputObjectSet) _processIds.AddRange(InputObject.Where(p => p is not null).Select(p => p.Id));
    }

    protected override void EndProcessing()
    {
        var inspector = new CoreDumpInspector();
        if (ParameterSetName == SystemSet)
        {
            Write(inspector.InspectSystem());
            return;
        }

        var pids = ParameterSetName == NameSet ? FindProcessesByName(Name, SystemWideAlternative) : _processIds.Distinct().ToList();
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        int unreadableProcesses = 0;
        foreach (int pid in pids)
        {
            if (StopToken.IsCancellationRequested) return;
            var report = inspector.InspectProcess(pid);
            if (report is null && ParameterSetName == NameSet)
            {
                // It matched -Name and exited since: Get-Process would no longer list it either.
                WriteVerbose($"Skipped process {pid}: it matched -Name but exited before it was checked.");
                continue;
            }
            if (report is null)
            {
                WriteDiagError(ProcessErrors.ProcessNotFound(pid, SystemWideAlternative));
                continue;
            }
            var missing = CoreDumpInspector.UnreadableFiles(report);
            if (missing.Count > 0)
            {
                unreadableProcesses++;
                unreadable.UnionWith(missing);
            }
            if (Verify && report.ProbeAction is { } action && ShouldProcess($"{report.Verdict.ProcessName} ({pid})", action))
            {
                WriteProgress(new ProgressRecord(1, "Test-CoreDumpConfig", $"Crashing a probe for {report.Verdict.ProcessName} ({pid})"));
                report = inspector.Verify(report, StopToken);
                WriteProgress(new ProgressRecord(1, "Test-CoreDumpConfig", "Done") { RecordType = ProgressRecordType.Completed });
            }
            else if (Verify && report.ProbeAction is null)
            {
                report = inspector.Verify(report, StopToken); // reports why no probe can run, on the Probe line
            }
            Write(report);
        }
        if (unreadableProcesses > 0)
            WriteWarning($"For {unreadableProcesses} process(es), /proc/PID/{string.Join(", ", unreadable.Order())} could not be read, so the checks that need them say Warning. " +
                         "Run as root (or with CAP_SYS_PTRACE) to check them.");
    }

    private void Write(CoreDumpReport report)
    {
        WriteObject(report.Checks, enumerateCollection: true);
        WriteObject(report.Verdict);
    }
}
