using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Interop;
using Diag.Linux.Threads;

namespace Diag.Commands;

/// <summary>
/// Get-ThreadCpu: per-thread CPU use over an interval, like <c>top -H</c>, as <see cref="ThreadCpuSample"/>
/// objects, busiest first. Collects every input in ProcessRecord and samples once in EndProcessing, so
/// <c>Get-Process nginx | Get-ThreadCpu</c> measures all of them over one interval.
/// </summary>
/// <remarks>
/// The parameter sets pair each way of choosing processes (all, -Name, -Id, -InputObject) with -Count or
/// -Continuous, so that PowerShell refuses <c>-Count 2 -Continuous</c> when it binds, before sampling.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "ThreadCpu", DefaultParameterSetName = AllSet + CountSuffix)]
[OutputType(typeof(ThreadCpuSample))]
public sealed class GetThreadCpuCommand : DiagCmdlet
{
    private const string IdSet = "Id", NameSet = "Name", InputObjectSet = "InputObject", AllSet = "All";
    private const string CountSuffix = "Count", ContinuousSuffix = "Continuous";

    private readonly List<int> _processIds = new();

    /// <summary>Process names to sample; wildcards allowed, matched as Get-Process does.</summary>
    [Parameter(ParameterSetName = NameSet + CountSuffix, Mandatory = true, Position = 0)]
    [Parameter(ParameterSetName = NameSet + ContinuousSuffix, Mandatory = true, Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ProcessNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Process IDs to sample.</summary>
    [Parameter(ParameterSetName = IdSet + CountSuffix, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = IdSet + ContinuousSuffix, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ProcessId", "Pid")]
    [ArgumentCompleter(typeof(ProcessIdCompleter))]
    public int[] Id { get; set; } = Array.Empty<int>();

    /// <summary>Processes from Get-Process.</summary>
    [Parameter(ParameterSetName = InputObjectSet + CountSuffix, Mandatory = true, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = InputObjectSet + ContinuousSuffix, Mandatory = true, ValueFromPipeline = true)]
    public Process[] InputObject { get; set; } = Array.Empty<Process>();

    /// <summary>Keep only these thread IDs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public int[]? ThreadId { get; set; }

    /// <summary>Length of one sample; a bare number means seconds.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Number of samples (each one interval long).</summary>
    [Parameter(ParameterSetName = AllSet + CountSuffix)]
    [Parameter(ParameterSetName = NameSet + CountSuffix)]
    [Parameter(ParameterSetName = IdSet + CountSuffix)]
    [Parameter(ParameterSetName = InputObjectSet + CountSuffix)]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    /// <summary>Sample until Ctrl+C.</summary>
    [Parameter(ParameterSetName = AllSet + ContinuousSuffix, Mandatory = true)]
    [Parameter(ParameterSetName = NameSet + ContinuousSuffix, Mandatory = true)]
    [Parameter(ParameterSetName = IdSet + ContinuousSuffix, Mandatory = true)]
    [Parameter(ParameterSetName = InputObjectSet + ContinuousSuffix, Mandatory = true)]
    public SwitchParameter Continuous { get; set; }

    /// <summary>How processes are chosen, without the Count/Continuous half of the set name.</summary>
    private string Selection => ParameterSetName.EndsWith(ContinuousSuffix, StringComparison.Ordinal)
        ? ParameterSetName[..^ContinuousSuffix.Length]
        : ParameterSetName[..^CountSuffix.Length];

    protected override void BeginProcessing()
    {
        if (Interval <= TimeSpan.Zero)
        {
            ThrowTerminatingError(new DiagError(
                new ArgumentOutOfRangeException(nameof(Interval), Interval, $"The interval must be positive, not {Interval}."),
                "InvalidInterval", ErrorCategory.InvalidArgument, Interval,
                "Give seconds (-Interval 0.5) or a TimeSpan (-Interval 00:00:02).").ToErrorRecord());
        }
    }

    protected override void ProcessRecord()
    {
        if (Selection == IdSet) _processIds.AddRange(Id);
        else if (Selection == InputObjectSet) _processIds.AddRange(InputObject.Where(p => p is not null).Select(p => p.Id));
    }

    protected override void EndProcessing()
    {
        if (Selection is IdSet or InputObjectSet && _processIds.Count == 0) return;
        var selection = Selection switch
        {
            IdSet or InputObjectSet => ThreadSelection.ForProcessIds(_processIds),
            NameSet => ThreadSelection.ForProcessNames(Name.Select(MatcherOf)),
            _ => ThreadSelection.AllProcesses(),
        };
        if (ThreadId is not null) selection = selection.WithThreadIds(ThreadId);

        ThreadCpuSampler sampler;
        try
        {
            sampler = new ThreadCpuSampler(selection);
        }
        catch (SyscallException e)
        {
            ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
            return;
        }

        using (sampler)
        {
            WriteVerbose(sampler.SourceDescription);
            int? count = Continuous ? null : Count;
            bool showProgress = Continuous || Count > 1;
            bool warned = false;
            var progress = new ProgressRecord(1, "Get-ThreadCpu", "Sample 1");
            if (showProgress) WriteSampleProgress(progress, 1, count);

            foreach (var batch in sampler.Sample(Interval, count, StopToken))
            {
                foreach (int pid in batch.MissingProcessIds) WriteDiagError(ProcessErrors.ProcessNotFound(pid));
                foreach (int index in batch.UnmatchedNamePatterns)
                    if (!WildcardPattern.ContainsWildcardCharacters(Name[index])) WriteDiagError(ProcessErrors.NoProcessForName(Name[index]));
                if (batch.SomeFieldsUnreadable && !warned)
                {
                    warned = true;
                    WriteWarning(ThreadAccessWarning.Describe(batch.DeniedProcessIds));
                }
                WriteDebug(string.Create(CultureInfo.InvariantCulture,
                    $"Sample {batch.SampleNumber}: {batch.Samples.Count} threads of {batch.Samples.Select(s => s.ProcessId).Distinct().Count()} processes, read in {batch.ReadTime.TotalMilliseconds:0.0} ms; CPU time from {string.Join(", ", batch.Samples.GroupBy(s => s.CpuTimeSource).Select(g => $"{g.Key} ({g.Count()})"))}."));
                WriteObject(batch.Samples, enumerateCollection: true);
                if (showProgress && (count is null || batch.SampleNumber < count))
                    WriteSampleProgress(progress, batch.SampleNumber + 1, count);
            }

            if (showProgress)
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
        }
    }

    private void WriteSampleProgress(ProgressRecord progress, int sample, int? count)
    {
        progress.StatusDescription = count is null ? $"Sample {sample} (Ctrl+C to stop)" : $"Sample {sample} of {count}";
        progress.PercentComplete = count is null ? -1 : (int)(100L * (sample - 1) / count.Value);
        WriteProgress(progress);
    }

    private static Func<string, bool> MatcherOf(string name)
    {
        var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
        return pattern.IsMatch;
    }
}
