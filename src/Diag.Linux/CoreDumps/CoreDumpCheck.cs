using Diag.Linux.Output;

namespace Diag.Linux.CoreDumps;

/// <summary>
/// One line of the core-dump checklist: what was checked, what was found, what it should be, why it matters
/// and the exact command or configuration line that fixes it. Built only by the engine.
/// </summary>
public sealed class CoreDumpCheck
{
    /// <summary>What this line checks, by name (CoreLimit, CorePattern, SuidDumpable, Program, Probe...): a
    /// string, so that it reads the same in a table, after remoting, in CSV and in JSON.</summary>
    public string Check => CheckName.ToString();

    /// <summary>Pass, Warning, Fail, Info or NotApplicable.</summary>
    public string Status => StatusValue.ToString();

    internal CoreDumpCheckName CheckName { get; init; }

    internal CheckStatus StatusValue { get; init; }

    /// <summary>The process checked; null for the system-wide checklist.</summary>
    public int? ProcessId { get; internal init; }

    /// <summary>Its name (as Get-Process shows it); null for the system-wide checklist.</summary>
    public string? ProcessName { get; internal init; }

    /// <summary>What was found, e.g. <c>soft 0, hard unlimited</c> or <c>|/usr/lib/systemd/systemd-coredump %P …</c>.</summary>
    public string Actual { get; internal init; } = "";

    /// <summary>What lets a core through, e.g. <c>unlimited (at least 1.2 GiB)</c>.</summary>
    public string Expected { get; internal init; } = "";

    /// <summary>Why it matters, in one sentence.</summary>
    public string Message { get; internal init; } = "";

    /// <summary>The command or configuration line that fixes it; empty when nothing needs fixing.</summary>
    public string Remedy { get; internal init; } = "";

    /// <summary>The remedy as steps, one command or setting each ("now: prlimit …", "lasting: LimitCORE=…"): what the
    /// default view prints on lines of their own, so that a command is never broken across lines.</summary>
    public ItemList<string> RemedySteps => ItemList.Of(RemedyText.Steps(Remedy));

    public override string ToString() =>
        $"{Status} {Check}: {Actual}" + (Remedy.Length > 0 ? $" -> {Remedy}" : "");
}
