using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Syscalls;
using Diag.Linux.Tracing;

namespace Diag.Commands;

/// <summary>
/// <para type="synopsis">Counts or streams the system calls of a process, a thread or a command, like strace -c and strace -f -e.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Trace, "Syscall", DefaultParameterSetName = NameSet)]
[OutputType(typeof(SyscallSummary), typeof(SyscallTraceTotal), typeof(SyscallEvent), typeof(SignalEvent), typeof(ExitEvent))]
public sealed class TraceSyscallCommand : ProcessCmdlet
{
    // A process is named first (Trace-Syscall nginx attaches to nginx, as Get-Process nginx finds it); launching a
    // command needs the explicit -FilePath, so that a name can never start a second server.
    private const string ThreadSet = "Thread";
    private const string LaunchSet = "Launch";

    private const string ByThreadTypeName = "Diag.Linux.Tracing.SyscallSummary#ByThread";

    private readonly List<TraceTarget> _targets = new();
    private SyscallTraceRun? _run;

    /// <summary>Threads to trace, as strace -p TID: alone, or narrowing -Id to some of its threads. Binds from
    /// Get-ThreadCpu output (with its ProcessId).</summary>
    [Parameter(ParameterSetName = ThreadSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, int.MaxValue)]
    public int[]? ThreadId { get; set; }

    /// <summary>Command to launch and trace from its first system call.</summary>
    [Parameter(ParameterSetName = LaunchSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string FilePath { get; set; } = string.Empty;

    /// <summary>Arguments of the launched command, passed as they are (never through a shell).</summary>
    [Parameter(ParameterSetName = LaunchSet, Position = 1)]
    [Alias("Args")]
    public string[] ArgumentList { get; set; } = [];

    /// <summary>A file the launched command reads as its standard input.</summary>
    [Parameter(ParameterSetName = LaunchSet)]
    [ValidateNotNullOrEmpty]
    public string? RedirectStandardInput { get; set; }

    /// <summary>A file the launched command writes its standard output to.</summary>
    [Parameter(ParameterSetName = LaunchSet)]
    [ValidateNotNullOrEmpty]
    public string? RedirectStandardOutput { get; set; }

    /// <summary>A file the launched command writes its standard error to.</summary>
    [Parameter(ParameterSetName = LaunchSet)]
    [ValidateNotNullOrEmpty]
    public string? RedirectStandardError { get; set; }

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

    /// <summary>How to trace: Auto (the kernel's eBPF counting for summaries where allowed, ptrace otherwise
    /// and for -Event), Kernel, or Ptrace.</summary>
    [Parameter]
    public TraceBackend Backend { get; set; } = TraceBackend.Auto;

    protected override void BeginProcessing()
    {
        if (Duration is { } d && d <= TimeSpan.Zero) ThrowTerminatingError(ParameterErrors.NotPositive(nameof(Duration), d).ToErrorRecord());
    }

    protected override void ProcessRecord()
    {
        // Collected here, traced together in EndProcessing: several hot threads piped in are traced over the same window.
        IEnumerable<TraceTarget> targets = ParameterSetName switch
        {
            ThreadSet => ThreadId!.Select(tid => (TraceTarget)new TraceTarget.Thread(tid)),
            IdSet when ThreadId is not null => ThreadId.Select(tid => (TraceTarget)new TraceTarget.Thread(tid)),
            LaunchSet => [new TraceTarget.Launch(ResolveLaunchPath(FilePath), ArgumentList, SessionState.Path.CurrentFileSystemLocation.ProviderPath)],
            IdSet => Id.Select(pid => (TraceTarget)new TraceTarget.Process(pid)),
            InputObjectSet => InputObject.Where(p => p is not null).Select(p => (TraceTarget)new TraceTarget.Process(p.Id)),
            _ => [],
        };
        Add(targets);
    }

    protected override void EndProcessing()
    {
        // A wildcard that also matches this session is not a request to trace it (it cannot trace itself).
        if (ParameterSetName == NameSet) Add(ResolveProcesses().Select(pid => (TraceTarget)new TraceTarget.Process(pid)));
        if (_targets.Count == 0) return;
        var options = BuildOptions();
        _run = new SyscallTraceRun(_targets, options, new TraceRunSettings { Duration = Duration, LaunchStreams = LaunchStreams(), Backend = Backend });

        // A launched command owns the terminal (its input, and Ctrl+C as SIGINT), so only attached traces
        // read Ctrl+C as a key: it ends the trace and the summary is still written, as with strace -c.
        using var interrupt = Event || ParameterSetName == LaunchSet ? null : ConsoleInterrupt.Capture();
        try
        {
            Write(_run.Run(StopToken), interrupt, options.ByThread);
            WriteProgress(new ProgressRecord(TraceProgress.ActivityId, "Trace-Syscall", "Done") { RecordType = ProgressRecordType.Completed });
        }
        finally
        {
            DetachAll(canWarn: !StopToken.IsCancellationRequested);
        }
    }

    private void Write(IEnumerable<TraceRunItem> items, ConsoleInterrupt? interrupt, bool byThread)
    {
        foreach (var item in items)
        {
            switch (item.Kind)
            {
                case TraceRunItemKind.Event:
                    WriteObject(item.Event);
                    break;
                case TraceRunItemKind.Output:
                    WriteLaunchedOutput(item.Output!);
                    break;
                case TraceRunItemKind.Message when item.MessageKind == TraceNoticeKind.Warning:
                    WriteWarning(item.Message);
                    break;
                case TraceRunItemKind.Message:
                    WriteVerbose(item.Message);
                    break;
                case TraceRunItemKind.Progress:
                    if (interrupt?.Pressed() == true) _run!.RequestStop();
                    WriteProgress(TraceProgress.Create(Duration, item.Elapsed, _targets, interrupt?.IsActive == true, item.Stopping));
                    break;
                case TraceRunItemKind.StartFailed:
                    WriteDiagError(TargetErrors.From(item.StartFailure!, item.Target!.Describe()));
                    break;
                case TraceRunItemKind.Failed:
                    WriteDiagError(TraceErrors.FromTraceFailure(item.Failure!, item.Target!));
                    break;
                case TraceRunItemKind.Finished:
                    WriteResult(item, byThread);
                    break;
            }
        }
    }

    private void WriteResult(TraceRunItem item, bool byThread)
    {
        if (item.Message is { } advice) WriteWarning(advice);
        var total = item.Total!;
        if (item.Target is TraceTarget.Launch)
        {
            // As for any native command a script runs: 128 + the signal when a signal killed it, as shells say.
            var code = total.ExitCode ?? (item.Result!.TerminatingSignal is { } signal ? 128 + signal : (int?)null);
            if (code is { } c) SessionState.PSVariable.Set("global:LASTEXITCODE", c);
        }
        if (Event) return;
        foreach (var row in item.Result!.Summary)
        {
            if (!byThread) { WriteObject(row); continue; }
            // Tagged so that the default view adds the PID and TID columns.
            var tagged = new PSObject(row);
            tagged.TypeNames.Insert(0, ByThreadTypeName);
            WriteObject(tagged);
        }
        WriteObject(total);
    }

    private void Add(IEnumerable<TraceTarget> targets)
    {
        foreach (var target in targets)
            if (!_targets.Contains(target)) _targets.Add(target);
    }

    /// <summary>A launched command's captured line, shown as Write-Host shows text: on the console, and
    /// carried by jobs and remoting as host output, never mixed into the objects.</summary>
    private void WriteLaunchedOutput(LaunchedOutputLine line)
    {
        var message = new HostInformationMessage { Message = line.Text };
        if (line.IsError) message.ForegroundColor = ConsoleColor.Red;
        WriteInformation(message, ["PSHOST", line.IsError ? "Stderr" : "Stdout", "Trace-Syscall"]);
    }

    /// <summary>
    /// Where the launched command's streams go: the -Redirect* files; otherwise, on an interactive
    /// console, the terminal itself (as under strace: interactive programs work, Ctrl+C reaches them);
    /// anywhere else (a job, a remoting session, redirected output) pwsh's own stdin and stdout are the
    /// transport, so the command gets no input and its output is captured and written as host text.
    /// </summary>
    private LaunchStreamSettings LaunchStreams()
    {
        var interactive = !Console.IsInputRedirected && !Console.IsOutputRedirected;
        var fallbackInput = interactive ? LaunchStream.Inherit : LaunchStream.Null;
        var fallbackOutput = interactive ? LaunchStream.Inherit : LaunchStream.Capture;
        return new LaunchStreamSettings(
            RedirectStandardInput is { } input ? LaunchStream.ToFile(ResolveFilePath(input)) : fallbackInput,
            RedirectStandardOutput is { } output ? LaunchStream.ToFile(ResolveFilePath(output)) : fallbackOutput,
            RedirectStandardError is { } error ? LaunchStream.ToFile(ResolveFilePath(error)) : fallbackOutput);
    }

    private string ResolveFilePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

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
                ThrowTerminatingError(TraceErrors.UnknownSyscall(e, Syscall).ToErrorRecord());
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
    private void DetachAll(bool canWarn)
    {
        if (_run is null) return;
        var confirmed = _run.Detach();
        _run.Dispose();
        _run = null;
        if (!confirmed && canWarn)
            WriteWarning("The tracer did not confirm the detach within 10 s; check the target with Get-ThreadCpu (State must not be TracingStop).");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _run?.Dispose();
    }
}
