using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Ptrace;
using Diag.Linux.Stacks;

namespace Diag.Commands;

/// <summary>
/// Get-ThreadStack: what each thread is executing, like pstack, as <see cref="ThreadStack"/> objects (or
/// <see cref="ThreadStackGroup"/> with -Unique), without freezing the process: one thread is stopped at a
/// time, for tens of microseconds. Collects every input in ProcessRecord and reads in EndProcessing, so
/// <c>Get-ThreadCpu | Select-Object -First 3 | Get-ThreadStack</c> reads each process once.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ThreadStack", DefaultParameterSetName = NameSet)]
[OutputType(typeof(ThreadStack), typeof(ThreadStackGroup))]
public sealed class GetThreadStackCommand : ProcessCmdlet
{
    // -ThreadId narrows -Id to some of its threads, and alone (its own set) reads those threads wherever they are;
    // Get-ThreadCpu output binds ProcessId and ThreadId by property name.
    private const string ThreadSet = "Thread";

    // PID → the threads asked for (null: all of them), in the order the processes came.
    private readonly Dictionary<int, HashSet<int>?> _requests = new();
    private readonly List<int> _order = new();

    /// <summary>Threads: alone, the threads to read (their processes are found); with a process, only these of its threads.
    /// Binds from Get-ThreadCpu output.</summary>
    [Parameter(ParameterSetName = ThreadSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, int.MaxValue)]
    public int[]? ThreadId { get; set; }

    /// <summary>Also the kernel's stack of each thread (root), read before the thread is stopped.</summary>
    [Parameter]
    public SwitchParameter Kernel { get; set; }

    /// <summary>Also source file and line of each frame, from DWARF debug information (needs libdw).</summary>
    [Parameter]
    public SwitchParameter SourceLine { get; set; }

    /// <summary>One object per distinct stack of a process, with the threads that share it.</summary>
    [Parameter]
    public SwitchParameter Unique { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ThreadSet)
        {
            foreach (var tid in ThreadId!)
            {
                if (ThreadStackReader.ProcessOfThread(tid) is { } owner) Request(owner, [tid]);
                else WriteDiagError(TargetErrors.From(ThreadStackReader.ThreadNotFound(tid)));
            }
            return;
        }
        // Each pipeline input with its own -ThreadId (Get-ThreadCpu output): read now which threads go with which process.
        if (ParameterSetName == IdSet)
            foreach (var pid in Id) Request(pid, ThreadId);
        else if (ParameterSetName == InputObjectSet)
            foreach (var process in InputObject.Where(p => p is not null)) Request(process.Id, null);
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == NameSet)
            foreach (var pid in ResolveProcesses()) Request(pid, null);

        using var reader = new ThreadStackReader(new ThreadStackOptions { Kernel = Kernel, SourceLines = SourceLine });
        var progress = new ProgressRecord(1, "Get-ThreadStack", "Reading stacks");
        for (var i = 0; i < _order.Count && !StopToken.IsCancellationRequested; i++)
        {
            var pid = _order[i];
            if (_order.Count > 1)
            {
                progress.StatusDescription = $"Process {pid} ({i + 1} of {_order.Count})";
                progress.PercentComplete = 100 * i / _order.Count;
                WriteProgress(progress);
            }
            var stacks = reader.Read(pid, _requests[pid], StopToken);
            WriteVerbose(stacks.Description);
            WriteResult(pid, stacks);
        }
        if (_order.Count > 1)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        foreach (var warning in reader.Warnings) WriteWarning(warning);
    }

    private void WriteResult(int pid, ProcessStacks stacks)
    {
        // A process that matched -Name and exited since is what Get-Process would no longer list: not an error.
        if (stacks.Failure is { Reason: TargetFailureReason.NotFound or TargetFailureReason.Exited } gone
            && SkipIfExitedSinceNameMatch(pid, $"its stacks were read ({gone.Message})")) { }
        else if (stacks.Failure is { } failure) WriteDiagError(TargetErrors.From(failure));
        foreach (var threadFailure in stacks.ThreadFailures) WriteDiagError(TargetErrors.From(threadFailure));
        if (Unique) WriteObject(ThreadStackReader.Fold(stacks.Threads), enumerateCollection: true);
        else WriteObject(stacks.Threads, enumerateCollection: true);
    }

    private void Request(int pid, IEnumerable<int>? threads)
    {
        if (!_requests.TryGetValue(pid, out var existing))
        {
            _order.Add(pid);
            _requests[pid] = threads is null ? null : new HashSet<int>(threads);
        }
        else if (existing is not null)
        {
            if (threads is null) _requests[pid] = null;
            else existing.UnionWith(threads);
        }
    }
}
