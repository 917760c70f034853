using System.Globalization;

namespace Diag.Linux.Exits;

/// <summary>
/// How a process ended, seen from outside it (not its parent): exit code or the signal that killed it, whether it
/// dumped core, when it exited and how long it ran, and where the status came from. Wait-ProcessExit writes one per
/// process as it exits.
/// </summary>
public sealed class ProcessExit
{
    internal ProcessExit(WaitTarget target, WaitStatus? status, ExitStatusSource source, DateTime? exitTime, string note)
    {
        ProcessId = target.ProcessId;
        ProcessName = target.Name;
        CommandLine = target.CommandLine;
        ParentProcessId = target.ParentProcessId;
        UserId = target.UserId;
        StartTime = target.StartTime;
        ExitStatusSourceValue = source;
        AlreadyExited = target.WasZombie;
        ExitTime = exitTime;
        Lifetime = exitTime is { } end && target.StartTime is { } start && end >= start ? end - start : null;
        Note = note;
        if (status is { } s)
        {
            ReasonValue = s.Exited ? ExitReason.Exited : ExitReason.Killed;
            ExitCode = s.Exited ? s.ExitCode : null;
            SignalNumber = s.Exited ? null : s.Signal;
            Signal = s.Exited ? "" : s.SignalName;
            CoreDumped = s.CoreDumped;
            WaitStatus = s.Value;
        }
        else
        {
            ReasonValue = ExitReason.Unknown;
            Signal = "";
        }
    }

    public int ProcessId { get; }
    public string ProcessName { get; }

    /// <summary>Its command line, read when the wait began.</summary>
    public string CommandLine { get; }

    /// <summary>Its parent when the wait began: the process that receives its status (and that it was not).</summary>
    public int ParentProcessId { get; }

    /// <summary>Its real user ID.</summary>
    public int UserId { get; }

    /// <summary>Exited, Killed or Unknown.</summary>
    public string Reason => ReasonValue.ToString();

    internal ExitReason ReasonValue { get; }

    /// <summary>The code it passed to exit(); null when a signal killed it or the status is unknown.</summary>
    public int? ExitCode { get; }

    /// <summary>The signal that killed it, by name (SIGSEGV, SIGKILL); empty when it exited.</summary>
    public string Signal { get; }

    public int? SignalNumber { get; }

    /// <summary>The kernel wrote a core (to a file or a core_pattern handler).</summary>
    public bool CoreDumped { get; }

    /// <summary>What a shell reports: the exit code, or 128 + the signal.</summary>
    public int? ShellExitCode => ExitCode ?? (SignalNumber is { } n ? 128 + n : null);

    /// <summary>The raw wait status (as waitpid gives it to the parent).</summary>
    public int? WaitStatus { get; }

    /// <summary>When it started.</summary>
    public DateTime? StartTime { get; }

    /// <summary>When it exited; null when it had already exited (a zombie) when the wait began.</summary>
    public DateTime? ExitTime { get; }

    /// <summary>How long it ran.</summary>
    public TimeSpan? Lifetime { get; }

    /// <summary>It was already a zombie (exited, not yet collected by its parent) when the wait began.</summary>
    public bool AlreadyExited { get; }

    /// <summary>Where the status came from: PidfdInfo, ProcessConnector, ZombieStat or None.</summary>
    public string ExitStatusSource => ExitStatusSourceValue.ToString();

    internal ExitStatusSource ExitStatusSourceValue { get; }

    /// <summary>Why the status is unknown, or how it was obtained when that matters.</summary>
    public string Note { get; }

    public override string ToString()
    {
        var how = ReasonValue switch
        {
            ExitReason.Exited => "exited with " + ExitCode!.Value.ToString(CultureInfo.InvariantCulture),
            ExitReason.Killed => "killed by " + Signal + (CoreDumped ? " (core dumped)" : ""),
            _ => "exited (status unknown)",
        };
        var text = $"{ProcessName} ({ProcessId.ToString(CultureInfo.InvariantCulture)}) {how}";
        if (Lifetime is { } life) text += " after " + life.ToString(@"d\.hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
        return text;
    }
}
