using Diag.Linux.Output;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// Test-CoreDumpConfig's answer for one process (or for the system): whether a crash would leave a core, where, which
/// checks stop it, what the -Verify probe proved, and the whole checklist in <see cref="Checks"/>. One object per
/// process, so that Where-Object, Sort-Object, Export-Csv and Format-Table work on processes; the default view lists
/// each one's checks below its verdict.
/// </summary>
public sealed class CoreDumpVerdict
{
    /// <summary>The process; null for the system-wide checklist.</summary>
    public int? ProcessId { get; internal init; }

    /// <summary>Its name; null for the system-wide checklist.</summary>
    public string? ProcessName { get; internal init; }

    /// <summary>In one word: Written, Truncated, NotWritten or Unknown.</summary>
    public string Verdict => VerdictValue.ToString();

    /// <summary>Pass for Written, Fail for NotWritten, Warning otherwise: filters the same way as the checks.</summary>
    public string Status => StatusValue.ToString();

    internal CoreDumpOutcome VerdictValue { get; init; }

    internal CheckStatus StatusValue { get; init; }

    /// <summary>Where the core would go, as this machine sees it (a file path, or the handler and its store).</summary>
    public string Destination { get; internal init; } = "";

    /// <summary>The checks that fail (stop the core), by name.</summary>
    public ItemList<string> Blockers => ItemList.Of(BlockerNames.Select(n => n.ToString()));

    /// <summary>The checks that warn (truncate it, or leave its fate unknown), by name.</summary>
    public ItemList<string> Warnings => ItemList.Of(WarningNames.Select(n => n.ToString()));

    /// <summary>One line per check, in checklist order (and the probe's line after -Verify).</summary>
    public ItemList<CoreDumpCheck> Checks { get; internal init; } = ItemList<CoreDumpCheck>.Empty;

    internal CoreDumpCheckName[] BlockerNames { get; init; } = [];

    internal CoreDumpCheckName[] WarningNames { get; init; } = [];

    /// <summary>The estimated size of this process's core in bytes (resident memory its coredump_filter selects); null without a process.</summary>
    public long? EstimatedCoreBytes { get; internal init; }

    /// <summary>What the -Verify probe proved: CoreFound, NoCore, Unproven, or NotRun without -Verify.</summary>
    public string Verified => VerifiedValue.ToString();

    internal ProbeOutcome VerifiedValue { get; init; }

    /// <summary>Where the probe's core was found (it has been deleted); null when none was found.</summary>
    public string? ProbeCorePath { get; internal init; }

    /// <summary>The conclusion in one sentence.</summary>
    public string Summary { get; internal init; } = "";

    public override string ToString() =>
        (ProcessId is { } pid ? $"{ProcessName} ({pid}): " : "system: ") + $"{Verdict} - {Summary}";
}
