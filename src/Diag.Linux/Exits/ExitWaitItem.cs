namespace Diag.Linux.Exits;

/// <summary>What a wait produced.</summary>
public enum ExitWaitItemKind
{
    /// <summary>A line for the verbose stream (which status source is used, a zombie found at the start).</summary>
    Notice,

    /// <summary>A process exited: <see cref="ExitWaitItem.Exit"/>.</summary>
    Exited,

    /// <summary>A process was gone before the wait could start: its status went to its parent and nowhere else.</summary>
    ExitedBeforeWait,

    /// <summary>The ID names a thread, not a process.</summary>
    NotAProcess,

    /// <summary>The timeout passed and this process was still running.</summary>
    StillRunning,
}

/// <summary>One item of <see cref="ProcessExitWaiter.Wait"/>.</summary>
public sealed class ExitWaitItem
{
    internal ExitWaitItem(ExitWaitItemKind kind, int processId, string processName, string message, ProcessExit? exit = null)
    {
        Kind = kind;
        ProcessId = processId;
        ProcessName = processName;
        Message = message;
        Exit = exit;
    }

    public ExitWaitItemKind Kind { get; }
    public int ProcessId { get; }
    public string ProcessName { get; }
    public string Message { get; }
    public ProcessExit? Exit { get; }
}
