using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Interop;
using Diag.Linux.MemoryStalls;

namespace Diag.Commands;

/// <summary>
/// Get-MemoryStall: which threads memory holds up and for how long (direct reclaim, reclaim at a cgroup's limit,
/// direct compaction, timed in the kernel as bcc's drsnoop does; delay accounting where it is on; major faults), with
/// the machine's and the cgroup's pressure, the memory picture and a diagnosis with remedies. One
/// <see cref="MemoryStallReport"/> per process (or one for the machine) per window. Collects every input in
/// ProcessRecord and watches them together in EndProcessing.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MemoryStall", DefaultParameterSetName = MachineSet)]
[OutputType(typeof(MemoryStallReport))]
public sealed class GetMemoryStallCommand : ProcessCmdlet
{
    private const string MachineSet = "Machine";

    /// <summary>Length of one window; a bare number means seconds.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Window after window until Ctrl+C; with -Name, processes started later that match are watched too.</summary>
    [Parameter]
    public SwitchParameter Continuous { get; set; }

    protected override string WithoutProcessAlternative =>
        "Without a process, Get-MemoryStall reports every thread of the machine that stalled.";

    protected override void BeginProcessing()
    {
        if (Duration <= TimeSpan.Zero) ThrowTerminatingError(ParameterErrors.NotPositive(nameof(Duration), Duration).ToErrorRecord());
    }

    protected override void EndProcessing()
    {
        IReadOnlyDictionary<int, string>? processes = null;
        if (SelectsProcesses)
        {
            var pids = ResolveProcesses();
            if (pids.Count == 0 && !(Continuous && ParameterSetName == NameSet)) return;
            try
            {
                processes = Names(pids);
            }
            catch (SyscallException e)
            {
                ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
                return;
            }
            if (processes.Count == 0 && !(Continuous && ParameterSetName == NameSet)) return;
        }
        var options = new MemoryStallOptions
        {
            Processes = processes,
            FollowSelection = Continuous && ParameterSetName == NameSet ? ProcessSelection() : null,
        };

        var progress = new ProgressRecord(1, "Get-MemoryStall", "Window 1");
        try
        {
            foreach (var item in MemoryStallSampler.Watch(options, Duration, Continuous, StopToken))
            {
                switch (item.Kind)
                {
                    case MemoryStallItemKind.Verbose:
                        WriteVerbose(item.Message);
                        break;
                    case MemoryStallItemKind.Warning:
                        WriteWarning(item.Message);
                        break;
                    case MemoryStallItemKind.Progress:
                        progress.StatusDescription = $"Window {item.WindowNumber}: {(int)item.Elapsed.TotalSeconds} s of {Seconds(Duration)}" +
                                                     (Continuous ? " (Ctrl+C to stop)" : "");
                        progress.PercentComplete = (int)Math.Min(100, 100 * item.Elapsed.Ticks / Duration.Ticks);
                        WriteProgress(progress);
                        break;
                    case MemoryStallItemKind.Report:
                        WriteObject(item.Report);
                        break;
                }
            }
        }
        catch (SyscallException e)
        {
            ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }

    /// <summary>The names of the processes resolved, as Get-Process shows them. One that exited since it was found is
    /// skipped when -Name matched it (verbose) and an error when it was named by ID.</summary>
    private Dictionary<int, string> Names(IReadOnlyList<int> pids)
    {
        var names = Linux.ProcFs.ProcessSelection.ForIds(pids).Resolve().Names;
        var found = new Dictionary<int, string>();
        foreach (var pid in pids)
        {
            if (names.TryGetValue(pid, out var name)) found[pid] = name;
            else if (!SkipIfExitedSinceNameMatch(pid, "it was watched")) WriteDiagError(ProcessErrors.ProcessNotFound(pid, WithoutProcessAlternative));
        }
        return found;
    }

    private static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds >= 1 ? $"{duration.TotalSeconds:0.#} s" : $"{duration.TotalMilliseconds:0} ms";
}
