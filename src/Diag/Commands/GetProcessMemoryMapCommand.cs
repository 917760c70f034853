using System.Globalization;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Interop;
using Diag.Linux.Memory;

namespace Diag.Commands;

/// <summary>
/// Get-ProcessMemoryMap: a process's mappings like pmap -X, each with what it is (glibc arena heap, thread stack and
/// its thread, guard, Java heap, code cache, file, shared memory...); -Summary: one row per kind then the process's
/// allocator, arenas and cgroup limit; -Interval/-Continuous: what grew between snapshots.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProcessMemoryMap", DefaultParameterSetName = NameSet)]
[OutputType(typeof(MemoryRegion), typeof(MemoryKindTotal), typeof(ProcessMemorySummary))]
public sealed class GetProcessMemoryMapCommand : ProcessCmdlet
{
    /// <summary>The type name tag that selects the growth views for -Interval and -Continuous output.</summary>
    internal const string GrowthTag = "#Growth";

    /// <summary>One row per kind of mapping and one summary per process instead of every mapping.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>Only mappings of these kinds (or, with -Summary, only these kinds' rows).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public MemoryKind[]? Kind { get; set; }

    /// <summary>Take two snapshots this far apart and write what changed; a bare number means seconds.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan Interval { get; set; }

    /// <summary>Keep taking snapshots every -Interval (5 seconds by default) until Ctrl+C, writing what changed each time.</summary>
    [Parameter]
    public SwitchParameter Continuous { get; set; }

    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    protected override void BeginProcessing()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Interval)) && Interval <= TimeSpan.Zero)
            ThrowTerminatingError(ParameterErrors.NotPositive(nameof(Interval), Interval).ToErrorRecord());
    }

    protected override void EndProcessing()
    {
        var pids = ResolveProcesses();
        if (pids.Count == 0) return;
        MemoryMapReader reader;
        try
        {
            reader = new MemoryMapReader();
        }
        catch (SyscallException e)
        {
            ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
            return;
        }
        using (reader)
        {
            var names = pids.ToDictionary(p => p, reader.NameOf);
            bool watching = Continuous || MyInvocation.BoundParameters.ContainsKey(nameof(Interval));
            if (watching) Watch(reader, pids, names);
            else Snapshot(reader, pids, names);
        }
    }

    private void Snapshot(MemoryMapReader reader, IReadOnlyList<int> pids, Dictionary<int, string> names)
    {
        foreach (int pid in pids)
        {
            if (StopToken.IsCancellationRequested) return;
            var result = reader.Read(pid, names[pid]);
            if (result.Problem is { } problem)
            {
                WriteProblem(problem);
                continue;
            }
            Warn(result.Notes);
            if (Summary)
            {
                var (kinds, summary) = result.Summary()!.Value;
                WriteObject(kinds.Where(Wanted), enumerateCollection: true);
                WriteObject(summary);
            }
            else WriteObject(result.Regions().Where(Wanted), enumerateCollection: true);
        }
    }

    private void Watch(MemoryMapReader reader, IReadOnlyList<int> pids, Dictionary<int, string> names)
    {
        var interval = MyInvocation.BoundParameters.ContainsKey(nameof(Interval)) ? Interval : TimeSpan.FromSeconds(5);
        int? count = Continuous ? null : 1;
        var watcher = new MemoryMapWatcher(reader);
        var progress = new ProgressRecord(1, "Get-ProcessMemoryMap", "Snapshot 1");
        WriteWatchProgress(progress, 1, interval);
        foreach (var item in watcher.Watch(pids.Select(p => (p, names[p])).ToList(), interval, count, Summary, StopToken))
        {
            Warn(item.Notes);
            if (item.Problem is { } problem)
            {
                WriteProblem(problem);
                continue;
            }
            if (Summary)
            {
                foreach (var kind in item.Kinds.Where(Wanted)) WriteObject(Tagged(kind));
                WriteObject(Tagged(item.Summary!));
            }
            else
                foreach (var change in item.Changes.Where(Wanted)) WriteObject(Tagged(change));
            if (Continuous && item.ProcessId == pids[^1]) WriteWatchProgress(progress, item.Sample + 1, interval);
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }

    private void WriteWatchProgress(ProgressRecord progress, int snapshot, TimeSpan interval)
    {
        progress.StatusDescription = string.Create(CultureInfo.InvariantCulture, $"Comparing with the snapshot taken {interval} ago") +
            (Continuous ? string.Create(CultureInfo.InvariantCulture, $" (comparison {snapshot}; Ctrl+C to stop)") : "");
        WriteProgress(progress);
    }

    private static PSObject Tagged(object value)
    {
        var wrapped = PSObject.AsPSObject(value);
        wrapped.TypeNames.Insert(0, value.GetType().FullName + GrowthTag);
        return wrapped;
    }

    private bool Wanted(MemoryRegion region) => Kind is null || Kind.Any(k => k.ToString() == region.Kind);

    private bool Wanted(MemoryKindTotal total) => Kind is null || Kind.Any(k => k.ToString() == total.Kind);

    private void WriteProblem(MemoryMapProblem problem)
    {
        if (problem.Kind == MemoryMapProblemKind.Exited && SkipIfExitedSinceNameMatch(problem.ProcessId, "its memory map was read")) return;
        // A wildcard such as 'kworker*' or '*' also matches kernel threads and zombies (a process between its exit and its
        // parent's wait), which have no memory: not an error then.
        if (problem.Kind == MemoryMapProblemKind.NoUserMemory && ParameterSetName == NameSet && Name.Any(WildcardPattern.ContainsWildcardCharacters))
        {
            WriteVerbose($"Skipped process {problem.ProcessId}: it has no user memory to map ({problem.Message})");
            return;
        }
        WriteDiagError(MemoryErrors.From(problem));
    }

    private void Warn(IEnumerable<string> notes)
    {
        foreach (var note in notes)
            if (_warned.Add(note)) WriteWarning(note);
    }
}
