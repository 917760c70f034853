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
[Cmdlet(VerbsCommon.Get, "ThreadCpu", DefaultParameterSetName = AllSet)]
[OutputType(typeof(ThreadCpuSample))]
public sealed class GetThreadCpuCommand : ProcessCmdlet
{
    private const string AllSet = "All";

    /// <summary>Keep only these thread IDs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public int[]? ThreadId { get; set; }

    /// <summary>Length of one sample; a bare number means seconds.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Number of samples (each one interval long).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    /// <summary>Sample until Ctrl+C.</summary>
    [Parameter]
    public SwitchParameter Continuous { get; set; }

    protected override void BeginProcessing()
    {
        if (Interval <= TimeSpan.Zero) ThrowTerminatingError(ParameterErrors.NotPositive(nameof(Interval), Interval).ToErrorRecord());
        if (Continuous && MyInvocation.BoundParameters.ContainsKey(nameof(Count)))
            ThrowTerminatingError(ParameterErrors.CountWithContinuous().ToErrorRecord());
    }

    protected override void EndProcessing()
    {
        var processes = ProcessSelection();
        if (processes is null && SelectsProcesses) return; // -Id or Get-Process input that brought no process
        var selection = ThreadSelection.For(processes ?? Linux.ProcFs.ProcessSelection.All);
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
                WriteNotFound(batch.MissingProcessIds, batch.UnmatchedNamePatterns);
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
}
