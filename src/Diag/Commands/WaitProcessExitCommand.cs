using System.Globalization;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Exits;
using Diag.Linux.Interop;

namespace Diag.Commands;

/// <summary>
/// Wait-ProcessExit: waits for processes to exit, whoever their parent is, and writes how each ended (exit code or
/// signal, core dumped, when, after how long) without tracing or stopping them; -Any: the first; -Timeout: an error
/// naming each process still running.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "ProcessExit", DefaultParameterSetName = IdSet)]
[OutputType(typeof(ProcessExit))]
public sealed class WaitProcessExitCommand : ProcessCmdlet
{
    /// <summary>Return when the first of the processes exits (the others keep running); by default all are waited for.</summary>
    [Parameter]
    public SwitchParameter Any { get; set; }

    /// <summary>Give up after this long (a bare number means seconds), with an error for each process still running.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan Timeout { get; set; }

    protected override string WithoutProcessAlternative =>
        "A process that has already exited cannot be waited for: if it existed, it exited before Wait-ProcessExit started, and only its parent received its exit status.";

    protected override void BeginProcessing()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) && Timeout <= TimeSpan.Zero)
            ThrowTerminatingError(ParameterErrors.NotPositive(nameof(Timeout), Timeout).ToErrorRecord());
    }

    protected override void EndProcessing()
    {
        var pids = ResolveProcesses();
        if (pids.Count == 0) return;
        ProcessExitWaiter waiter;
        try
        {
            waiter = new ProcessExitWaiter();
        }
        catch (SyscallException e)
        {
            ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
            return;
        }
        TimeSpan? timeout = MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : null;
        int remaining = pids.Count;
        var progress = new ProgressRecord(1, "Wait-ProcessExit", Status(remaining, timeout));
        WriteProgress(progress);
        using (waiter)
        {
            foreach (var item in waiter.Wait(pids, Any, timeout, StopToken))
            {
                switch (item.Kind)
                {
                    case ExitWaitItemKind.Notice:
                        WriteVerbose(item.Message);
                        continue;
                    case ExitWaitItemKind.Exited:
                        if (item.Exit!.Note.Length > 0) WriteVerbose($"{item.Exit.ProcessName} ({item.ProcessId}): {item.Exit.Note}");
                        WriteObject(item.Exit);
                        break;
                    default:
                        WriteDiagError(ExitErrors.From(item));
                        break;
                }
                remaining--;
                progress.StatusDescription = Status(Math.Max(remaining, 0), timeout);
                WriteProgress(progress);
            }
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }

    private string Status(int processes, TimeSpan? timeout) =>
        string.Create(CultureInfo.InvariantCulture, $"Waiting for {processes} process(es) to exit") +
        (Any ? " (the first)" : "") + (timeout is { } t ? string.Create(CultureInfo.InvariantCulture, $", at most {t}") : "") + "; Ctrl+C to stop";
}
