using System.Globalization;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.ProcessEvents;

namespace Diag.Commands;

/// <summary>
/// <para type="synopsis">Watches processes being forked, executed and ending, like execsnoop and forkstat, or counts them per parent and program.</para>
/// </summary>
[Cmdlet(VerbsCommon.Watch, "ProcessExec", DefaultParameterSetName = EventsSet)]
[OutputType(typeof(ProcessEvent), ParameterSetName = [EventsSet])]
[OutputType(typeof(ProcessExecSummary), ParameterSetName = [SummarySet])]
[OutputType(typeof(ProcessTreeNode), ParameterSetName = [TreeSet])]
public sealed class WatchProcessExecCommand : DiagCmdlet
{
    private const string EventsSet = "Events", SummarySet = "Summary", TreeSet = "Tree";

    private readonly List<int> _parentIds = new();
    private ProcessWatch? _watch;

    /// <summary>Only processes with these names (the comm, as Get-Process -Name matches it; wildcards allowed).
    /// After an exec, the new program's name.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Only the children of these processes (binds from Get-Process output). With -IncludeDescendants, every
    /// process below them.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateRange(1, int.MaxValue)]
    public int[]? ParentId { get; set; }

    /// <summary>With -ParentId: the children's children too, at any depth (the ones running at the start and the
    /// ones forked during the watch).</summary>
    [Parameter]
    public SwitchParameter IncludeDescendants { get; set; }

    /// <summary>Only processes of these users (names or numeric ids; the real user id).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? UserName { get; set; }

    /// <summary>Only processes running these executables (for an exec: the file executed, a script itself). A path
    /// without wildcards is matched by file in the kernel, whatever link or relative name ran it.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Also execs that fail (ENOENT from a PATH search, EACCES, ENOEXEC...), with their errno, as execsnoop -x.</summary>
    [Parameter]
    public SwitchParameter IncludeFailed { get; set; }

    /// <summary>At the end, one row per parent and program: forks, execs and exits per second and the share of
    /// short lives, counted in the kernel. The fork loop and its respawner come first.</summary>
    [Parameter(ParameterSetName = SummarySet, Mandatory = true)]
    public SwitchParameter Summary { get; set; }

    /// <summary>At the end, who spawned whom during the watch, as a tree (respawns and fork loops folded).</summary>
    [Parameter(ParameterSetName = TreeSet, Mandatory = true)]
    public SwitchParameter Tree { get; set; }

    /// <summary>How long to watch; a bare number is seconds. Without it: until Ctrl+C (or -Count).</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan? Duration { get; set; }

    /// <summary>Stop after this many events.</summary>
    [Parameter(ParameterSetName = EventsSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    /// <summary>In the summary, exits of processes that lived less than this are short lives (default 1 second).</summary>
    [Parameter(ParameterSetName = SummarySet)]
    [SecondsOrTimeSpan]
    public TimeSpan ShortLifetime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Where events come from: Auto (the kernel's eBPF programs where this session may load them, the
    /// process connector otherwise), Kernel, or ProcessConnector.</summary>
    [Parameter]
    public ProcessEventSourceChoice Source { get; set; } = ProcessEventSourceChoice.Auto;

    protected override void BeginProcessing()
    {
        if (Duration is { } d && d <= TimeSpan.Zero) ThrowTerminatingError(ParameterErrors.NotPositive(nameof(Duration), d).ToErrorRecord());
        if (ShortLifetime <= TimeSpan.Zero) ThrowTerminatingError(ParameterErrors.NotPositive(nameof(ShortLifetime), ShortLifetime).ToErrorRecord());
    }

    protected override void ProcessRecord()
    {
        if (ParentId is not null) _parentIds.AddRange(ParentId);
    }

    protected override void EndProcessing()
    {
        var options = new ProcessWatchOptions
        {
            Names = (Name ?? []).Select(n => Pattern(n, WildcardOptions.IgnoreCase)).ToArray(),
            ParentIds = _parentIds.Distinct().ToArray(),
            IncludeDescendants = IncludeDescendants,
            UserIds = ResolveUsers(),
            Paths = ResolvePaths(),
            IncludeFailed = IncludeFailed,
            Output = ParameterSetName switch { SummarySet => ProcessWatchOutput.Summary, TreeSet => ProcessWatchOutput.Tree, _ => ProcessWatchOutput.Events },
            Source = Source,
            Duration = Duration,
            Count = Count,
            ShortLifetime = ShortLifetime,
        };
        try
        {
            _watch = ProcessWatch.Start(options);
        }
        catch (ProcessWatchException e)
        {
            ThrowTerminatingError(ProcessWatchErrors.CannotStart(e).ToErrorRecord());
            return;
        }

        // A summary or a tree is written when the watch ends: Ctrl+C read as a key ends it and still writes them.
        using var interrupt = options.Output == ProcessWatchOutput.Events ? null : ConsoleInterrupt.Capture();
        var progress = new ProgressRecord(1, "Watch-ProcessExec", "Starting");
        try
        {
            foreach (var item in _watch.Run(StopToken))
            {
                switch (item.Kind)
                {
                    case ProcessWatchItemKind.Event:
                        WriteObject(item.Event);
                        break;
                    case ProcessWatchItemKind.Summary:
                        WriteObject(item.Summary);
                        break;
                    case ProcessWatchItemKind.TreeNode:
                        WriteObject(item.TreeNode);
                        break;
                    case ProcessWatchItemKind.Verbose:
                        WriteVerbose(item.Message);
                        break;
                    case ProcessWatchItemKind.Warning:
                        WriteWarning(item.Message);
                        break;
                    case ProcessWatchItemKind.Progress:
                        if (interrupt?.Pressed() == true) _watch.RequestStop();
                        WriteProgress(Progress(progress, item, options.Output, interrupt?.IsActive == true));
                        break;
                }
            }
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        finally
        {
            _watch.Dispose();
            _watch = null;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _watch?.Dispose();
    }

    private ProgressRecord Progress(ProgressRecord record, ProcessWatchItem item, ProcessWatchOutput output, bool ctrlCEnds)
    {
        var seconds = item.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        var events = item.EventCount.ToString("N0", CultureInfo.InvariantCulture);
        record.StatusDescription = Duration is { } d
            ? $"Watching: {seconds} s of {d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s, {events} events"
            : $"Watching for {seconds} s, {events} events" + (output == ProcessWatchOutput.Events ? " - Ctrl+C to stop" : ctrlCEnds ? " - Ctrl+C ends the watch and writes the " + (output == ProcessWatchOutput.Summary ? "summary" : "tree") : "");
        if (Duration is { } total)
        {
            record.PercentComplete = (int)Math.Clamp(item.Elapsed.TotalMilliseconds * 100 / Math.Max(1, total.TotalMilliseconds), 0, 100);
            record.SecondsRemaining = (int)Math.Clamp(Math.Ceiling((total - item.Elapsed).TotalSeconds), 0, int.MaxValue);
        }
        return record;
    }

    private static ProcessEventPattern Pattern(string text, WildcardOptions options)
    {
        var pattern = WildcardPattern.Get(text, options);
        return new ProcessEventPattern(text, !WildcardPattern.ContainsWildcardCharacters(text), pattern.IsMatch);
    }

    private int[] ResolveUsers()
    {
        var ids = new List<int>();
        foreach (var name in UserName ?? [])
        {
            if (UserNames.IdOf(name) is { } id) ids.Add(id);
            else ThrowTerminatingError(ProcessWatchErrors.NoSuchUser(name).ToErrorRecord());
        }
        return ids.ToArray();
    }

    /// <summary>Paths relative to PowerShell's location, as Get-Item reads them; a literal path must name a file.</summary>
    private ProcessEventPattern[] ResolvePaths()
    {
        var patterns = new List<ProcessEventPattern>();
        foreach (var path in Path ?? [])
        {
            var full = GetUnresolvedProviderPathFromPSPath(path);
            var pattern = Pattern(full, WildcardOptions.None);
            if (pattern.IsLiteral && !File.Exists(full))
                WriteDiagError(ProcessWatchErrors.NoSuchPath(full));
            patterns.Add(pattern);
        }
        return patterns.ToArray();
    }
}
