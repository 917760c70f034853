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
[OutputType(typeof(CoreDumpVerdict))]
public sealed class TestCoreDumpConfigCommand : ProcessCmdlet
{
    private const string SystemSet = "System";

    protected override string WithoutProcessAlternative => "Without a process, Test-CoreDumpConfig checks the system-wide settings.";

    /// <summary>Prove the checklist: crash a probe with the process's settings and look for its core (then delete it).</summary>
    [Parameter(ParameterSetName = IdSet)]
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = InputObjectSet)]
    public SwitchParameter Verify { get; set; }

    protected override void EndProcessing()
    {
        var inspector = new CoreDumpInspector();
        if (ParameterSetName == SystemSet)
        {
            Write(inspector.InspectSystem());
            return;
        }

        var pids = ResolveProcesses();
        var unreadable = new HashSet<string>(StringComparer.Ordinal);
        int unreadableProcesses = 0;
        foreach (int pid in pids)
        {
            if (StopToken.IsCancellationRequested) return;
            var report = inspector.InspectProcess(pid, out var refusal);
            if (refusal is not null)
            {
                // A process that matched -Name and has exited since (a zombie for a moment) is not an error either.
                if (!SkipIfExitedSinceNameMatch(pid, "it was checked")) WriteDiagError(TargetErrors.From(refusal));
                continue;
            }
            if (report is null)
            {
                if (!SkipIfExitedSinceNameMatch(pid, "it was checked")) WriteDiagError(ProcessErrors.ProcessNotFound(pid, WithoutProcessAlternative));
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

    // One object per process, its checks inside: Where-Object, Export-Csv and Format-Table then work on processes.
    private void Write(CoreDumpReport report)
    {
        WriteVerbose(report.Description);
        WriteObject(report.Verdict);
    }
}
