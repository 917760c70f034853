namespace Diag.Linux.CoreDumps;

/// <summary>Where a program's own core-dump switch was found, and whether it lets cores through.</summary>
internal sealed record SwitchReading(bool On, string Setting, string Where);

/// <summary>A program-specific switch: a command-line option, an environment variable, a configuration file entry.</summary>
internal abstract class ProgramSwitch
{
    /// <summary>How the switch reads when it lets cores through, e.g. "--core-file or core-file under [mysqld]".</summary>
    public abstract string Expected { get; }

    /// <summary>The decisive reading (the one that wins), or null when the switch is not set anywhere.</summary>
    public abstract SwitchReading? Read(ProcessFacts facts, ProcessFileView files);

    /// <summary>Whether this switch could be read at all (environment variables need /proc/PID/environ).</summary>
    public virtual bool CanRead(ProcessFacts facts) => true;
}

/// <summary>
/// A program that decides by itself whether a crash ends in a core: it catches the fatal signal, or turns a
/// crash into an orderly exit. <see cref="ProgramCoreRules.All"/> is the table of them.
/// </summary>
internal sealed class ProgramCoreRule
{
    /// <summary>How the program is called in messages ("mysqld", "a Go program").</summary>
    public required string Program { get; init; }

    /// <summary>Whether a process is this program.</summary>
    public required Func<ProcessFacts, bool> Applies { get; init; }

    /// <summary>Whether it dumps core when the switch is not set at all.</summary>
    public required bool DumpsByDefault { get; init; }

    public required ProgramSwitch Switch { get; init; }

    /// <summary>Fail when off means no core for certain; Warning when the program can still enable it in code.</summary>
    public required CheckStatus OffStatus { get; init; }

    /// <summary>Why it matters, in one sentence.</summary>
    public required string Why { get; init; }

    /// <summary>The fix, for this process.</summary>
    public required Func<ProcessFacts, string> Remedy { get; init; }
}
