using System.Diagnostics;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Stacks;
using Diag.Linux.Tracing;

namespace Diag.Commands;

/// <summary>
/// Get-ThreadStack: what each thread is executing, like pstack, as <see cref="ThreadStack"/> objects (or
/// <see cref="ThreadStackGroup"/> with -Unique), without freezing the process: one thread is stopped at a
/// time, for tens of microseconds. Collects every input in ProcessRecord and reads in EndProcessing, so
/// <c>Get-ThreadCpu | Select-Object -First 3 | Get-ThreadStack</c> reads each process once.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ThreadStack", DefaultParameterSetName = IdSet)]
[OutputType(typeof(ThreadStack), typeof(ThreadStackGroup))]
public sealed class GetThreadStackCommand : DiagCmdlet
{
    // One set takes -Id and -ThreadId, both optional and both by property name: Get-ThreadCpu output binds
    // both, Get-ThreadStack 1234 reads a process, -ThreadId alone finds each thread's process.
    private const string IdSet = "Id", NameSet = "Name", InputObjectSet = "InputObject";

    // PID → the threads asked for (null: all of them), in the order the processes came.
    private readonly Dictionary<int, HashSet<int>?> _requests = new();
    private readonly List<int> _order = new();
    private readonly HashSet<int> _foundByName = new();

    /// <summary>Process IDs: all their threads (or those of -ThreadId).</summary>
    [Parameter(ParameterSetName = IdSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ProcessId", "Pid")]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    [ValidateRange(1, int.MaxValue)]
    public int[] Id { get; set; } = [];

    /// <summary>Process names; wildcards allowed, matched as Get-Process does.</summary>
    [Parameter(ParameterSetName = NameSet, Mandatory = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProcessNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Processes from Get-Process.</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    public Process[] InputObject { get; set; } = [];

    /// <summary>Threads: alone, the threads to read (their processes are found); with a process, only these of its threads.
    /// Binds from Get-ThreadCpu output.</summary>
    [Parameter(ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = NameSet)]
    [Parameter(ParameterSetName = InputObjectSet)]
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
        if (ParameterSetName == InputObjectSet)
        {
            foreach (var process in InputObject.Where(p => p is not null)) Request(process.Id, ThreadId);
        }
        else if (ParameterSetName == IdSet && Id.Length > 0)
        {
            foreach (var pid in Id) Request(pid, ThreadId);
        }
        else if (ParameterSetName == IdSet && ThreadId is not null)
        {
            foreach (var tid in ThreadId)
            {
                if (ThreadStackReader.ProcessOfThread(tid) is { } owner) Request(owner, [tid]);
                else WriteDiagError(TraceErrors.FromStartFailure(ThreadStackReader.ThreadNotFound(tid), new TraceTarget.Thread(tid)));
            }
        }
        else if (ParameterSetName == IdSet)
        {
            ThrowTerminatingError(new DiagError(
                new ArgumentException("Get-ThreadStack needs a process or a thread to read."),
                "MissingTarget", ErrorCategory.InvalidArgument, null,
                "Give a process (Get-ThreadStack 1234, -Name nginx, Get-Process nginx | Get-ThreadStack) or a thread (-ThreadId, or Get-ThreadCpu output).").ToErrorRecord());
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == NameSet)
        {
            var pids = FindProcessesByName(Name);
            // A wildcard that also matches this session is not a request to read it (it cannot read itself).
            var wildcard = Name.Any(WildcardPattern.ContainsWildcardCharacters);
            foreach (var pid in pids.Where(p => p != Environment.ProcessId || !wildcard))
            {
                _foundByName.Add(pid);
                Request(pid, ThreadId);
            }
        }

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
        var target = new TraceTarget.Process(pid);
        // A process that matched -Name and exited since is what Get-Process would no longer list: not an error.
        if (stacks.Failure is { Reason: TraceFailureReason.TargetNotFound or TraceFailureReason.TargetExited } gone && _foundByName.Contains(pid))
            WriteVerbose($"Skipped process {pid}: it matched -Name but exited before its stacks were read ({gone.Message}).");
        else if (stacks.Failure is { } failure) WriteDiagError(TraceErrors.FromStartFailure(failure, target));
        foreach (var threadFailure in stacks.ThreadFailures)
            WriteDiagError(TraceErrors.FromStartFailure(threadFailure,
                threadFailure.ProcessId is { } tid && tid != pid ? new TraceTarget.Thread(tid) : target));
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
