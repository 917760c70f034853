using System.Diagnostics;
using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Syscalls;
using Diag.Linux.Tracing;

namespace Diag.Commands;

/// <summary>
/// <para type="synopsis">Counts or streams the system calls of a process, a thread or a command, like strace -c and strace -f -e.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Trace, "Syscall", DefaultParameterSetName = ProcessSet)]
[OutputType(typeof(SyscallSummary), typeof(SyscallEvent))]
public sealed class TraceSyscallCommand : DiagCmdlet
{
    private const string ProcessSet = "Process";
    private const string ThreadSet = "Thread";
    private const string LaunchSet = "Launch";

    private const string ByThreadTypeName = "Diag.Linux.Tracing.SyscallSummary#ByThread";

    private readonly List<TraceTarget> _targets = new();
    private bool _summaryByThread;
    private readonly List<(TraceTarget Target, ISyscallTraceSession Session)> _sessions = new();

    /// <summary>Process to trace: all its threads, and threads it creates while traced.</summary>
    [Parameter(ParameterSetName = ProcessSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = ThreadSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ProcessId", "Pid")]
    [ValidateRange(1, int.MaxValue)]
    public int Id { get; set; }

    /// <summary>One thread to trace, as strace -p TID; binds from Get-ThreadCpu output.</summary>
    [Parameter(ParameterSetName = ThreadSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, int.MaxValue)]
    public int ThreadId { get; set; }

    /// <summary>Command to launch and trace from its first system call.</summary>
    [Parameter(ParameterSetName = LaunchSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string FilePath { get; set; } = string.Empty;

    /// <summary>Arguments of the launched command, passed as they are (never through a shell).</summary>
    [Parameter(ParameterSetName = LaunchSet, Position = 1)]
    [Alias("Args")]
    public string[] ArgumentList { get; set; } = [];

    /// <summary>Follow child processes (fork, vfork, clone without CLONE_THREAD). On by default with -FilePath.</summary>
    [Parameter]
    public SwitchParameter FollowFork { get; set; }

    /// <summary>Only these syscalls: names (tab-completes), wildcards, or classes such as file, network, memory, process, signal.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(SyscallNameCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Syscall { get; set; }

    /// <summary>How long to trace; a bare number is seconds. Without it: until Ctrl+C or until the target exits.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan? Duration { get; set; }

    /// <summary>One object per completed call instead of the summary.</summary>
    [Parameter]
    public SwitchParameter Event { get; set; }

    /// <summary>Split the summary per thread.</summary>
    [Parameter]
    public SwitchParameter ByThread { get; set; }

    protected override void BeginProcessing()
    {
        if (Duration is { } d && d <= TimeSpan.Zero)
        {
            ThrowTerminatingError(new DiagError(new ArgumentOutOfRangeException(nameof(Duration), d, "The duration must be positive."),
                "InvalidDuration", ErrorCategory.InvalidArgument, d, "Give a number of seconds such as -Duration 5, or a TimeSpan such as 00:00:05.").ToErrorRecord());
        }
    }

    protected override void ProcessRecord()
    {
        // Collected here, traced together in EndProcessing: several hot threads piped in are traced over the same window.
        TraceTarget target = ParameterSetName switch
        {
            ThreadSet => new TraceTarget.Thread(ThreadId),
            LaunchSet => new TraceTarget.Launch(ResolveLaunchPath(FilePath), ArgumentList, SessionState.Path.CurrentFileSystemLocation.ProviderPath),
            _ => new TraceTarget.Process(Id),
        };
        if (!_targets.Contains(target)) _targets.Add(target);
    }

    protected override void EndProcessing()
    {
        var options = BuildOptions();
        _summaryByThread = options.ByThread;
        foreach (var target in _targets)
        {
            try
            {
                _sessions.Add((target, PtraceSyscallTracer.Start(target, options)));
            }
            catch (TraceStartException e)
            {
                WriteDiagError(TraceErrors.FromStartFailure(e, target));
            }
        }
        if (_sessions.Count == 0) return;

        // A launched command owns the terminal (its input, and Ctrl+C as SIGINT), so only attached traces read Ctrl+C as a key.
        using var interrupt = Event || ParameterSetName == LaunchSet ? null : ConsoleInterrupt.Capture();
        var watch = Stopwatch.StartNew();
        try
        {
            Pump(watch, interrupt);
            WriteProgress(new ProgressRecord(TraceProgress.ActivityId, "Trace-Syscall", "Done") { RecordType = ProgressRecordType.Completed });
            foreach (var (target, session) in _sessions) WriteResult(session, target);
        }
        finally
        {
            DetachAll(canWrite: !StopToken.IsCancellationRequested);
        }
    }

    /// <summary>Runs on the pipeline thread: writes events and notices as they arrive, shows progress,
    /// and ends the trace at the deadline, on Ctrl+C, or when every target is gone.</summary>
    private void Pump(Stopwatch watch, ConsoleInterrupt? interrupt)
    {
        var stopRequested = false;
        TimeSpan? lastProgress = null;
        while (true)
        {
            var drained = Drain();
            if (_sessions.All(s => s.Session.Completion.IsCompleted) && drained) return;

            var overDeadline = Duration is { } d && watch.Elapsed >= d;
            if (!stopRequested && (overDeadline || StopToken.IsCancellationRequested || interrupt?.Pressed() == true))
            {
                stopRequested = true;
                foreach (var (_, session) in _sessions) session.Stop();
            }
            if (StopToken.IsCancellationRequested) return;

            if (lastProgress is null || watch.Elapsed - lastProgress.Value >= TimeSpan.FromMilliseconds(250))
            {
                lastProgress = watch.Elapsed;
                WriteProgress(TraceProgress.Create(Duration, watch.Elapsed, _targets, interrupt?.IsActive == true, stopRequested));
            }
            WaitForActivity(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Writes what the tracer threads queued; true when every queue is finished and empty.</summary>
    private bool Drain()
    {
        var finished = true;
        foreach (var (_, session) in _sessions)
        {
            while (session.Notices.TryRead(out var notice))
            {
                if (notice.Kind == TraceNoticeKind.Warning) WriteWarning(notice.Message);
                else WriteVerbose(notice.Message);
            }
            while (session.Events.TryRead(out var e))
            {
                if (Event) WriteObject(e);
            }
            finished &= session.Events.Completion.IsCompleted && session.Notices.Completion.IsCompleted;
        }
        return finished;
    }

    private void WaitForActivity(TimeSpan timeout)
    {
        var waits = new List<Task>(_sessions.Count * 2);
        foreach (var (_, session) in _sessions)
        {
            waits.Add(session.Completion);
            if (Event) waits.Add(session.Events.WaitToReadAsync(StopToken).AsTask());
        }
        try { Task.WaitAny(waits.ToArray(), (int)timeout.TotalMilliseconds, StopToken); }
        catch (OperationCanceledException) { }
    }

    private void WriteResult(ISyscallTraceSession session, TraceTarget target)
    {
        TraceResult result;
        try
        {
            result = session.Completion.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteDiagError(TraceErrors.FromTraceFailure(e, target));
            return;
        }
        if (result.ExitCode is { } code) WriteVerbose($"{TraceProgress.Describe(target)} exited with code {code}.");
        if (result.TerminatingSignal is { } signal) WriteVerbose($"{TraceProgress.Describe(target)} was killed by signal {signal}.");
        if (Event) return;
        foreach (var row in result.Summary)
        {
            if (!_summaryByThread) { WriteObject(row); continue; }
            // Tagged so that the default view adds the PID and TID columns.
            var tagged = new PSObject(row);
            tagged.TypeNames.Insert(0, ByThreadTypeName);
            WriteObject(tagged);
        }
    }

    private Diag.Linux.Tracing.TraceOptions BuildOptions()
    {
        IReadOnlySet<int>? syscalls = null;
        if (Syscall is { Length: > 0 })
        {
            try
            {
                syscalls = SyscallTable.Resolve(Syscall).ToHashSet();
            }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(new DiagError(e, "UnknownSyscall", ErrorCategory.InvalidArgument, Syscall,
                    "Use a syscall name (tab completion lists them), a wildcard, or a class: file, network, memory, process, signal, ipc, desc, clock, creds.").ToErrorRecord());
            }
        }
        var followFork = MyInvocation.BoundParameters.ContainsKey(nameof(FollowFork)) ? FollowFork.IsPresent : ParameterSetName == LaunchSet;
        return new Diag.Linux.Tracing.TraceOptions
        {
            Syscalls = syscalls,
            FollowForks = followFork,
            CollectEvents = Event,
                // Several targets traced together are told apart by their thread IDs.
            ByThread = ByThread || _targets.Count > 1,
        };
    }

    private string ResolveLaunchPath(string path) =>
        // A bare name is looked up in PATH by the engine, as a shell would; anything with a slash is relative to $PWD, not to pwsh's process directory.
        path.Contains('/') ? GetUnresolvedProviderPathFromPSPath(path) : path;

    /// <summary>Every tracee is detached before the cmdlet returns, whatever ended it.</summary>
    private void DetachAll(bool canWrite)
    {
        foreach (var (_, session) in _sessions)
        {
            session.Stop();
            var confirmed = WaitQuietly(session.Completion, TimeSpan.FromSeconds(10));
            if (!confirmed && canWrite)
            {
                // The pipeline may already be stopping (Select-Object -First); the warning is then best effort.
                try { WriteWarning("The tracer did not confirm the detach within 10 s; check the target with Get-ThreadCpu (State must not be TracingStop)."); }
                catch (Exception e) when (e is PipelineStoppedException or InvalidOperationException) { }
            }
            session.Dispose();
        }
        _sessions.Clear();
    }

    private static bool WaitQuietly(Task task, TimeSpan timeout)
    {
        try { return task.Wait(timeout); }
        catch (AggregateException) { return true; } // the failure itself is reported by WriteResult
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DetachAll(canWrite: false);
    }
}
