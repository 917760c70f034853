using Diag.Linux.Output;
namespace Diag.Linux.CoreDumps;

// The conclusion: one word from the checks' effects (a probe's proof overrides them), where the core goes, one sentence.
internal sealed partial class CoreDumpChecklist
{
    public CoreDumpVerdict BuildVerdict(ProbeResult? probe)
    {
        var blockers = Names(CheckEffect.Blocks);
        var uncertain = Names(CheckEffect.Uncertain);
        var truncating = Names(CheckEffect.Truncates);
        var warnings = Names(c => c.Check.StatusValue == CheckStatus.Warning);
        var predicted = Outcome(c => true);
        // A probe proves the kernel's side only: it has none of the program's own crash handling (Program).
        var program = Outcome(c => c.Check.CheckName == CoreDumpCheckName.Program);
        var outcome = probe?.Outcome switch
        {
            ProbeOutcome.CoreFound => program is CoreDumpOutcome.NotWritten or CoreDumpOutcome.Unknown ? program
                : truncating.Length > 0 ? CoreDumpOutcome.Truncated : CoreDumpOutcome.Written,
            ProbeOutcome.NoCore => CoreDumpOutcome.NotWritten,
            _ => predicted,
        };
        var destination = _facts?.IsKernelThread == true ? "none" : Destination();
        var summary = _facts?.IsKernelThread == true ? "A kernel thread never dumps core."
            : Summary(outcome, predicted, destination, blockers, truncating, uncertain);
        if (probe is not null)
        {
            summary = (summary + " " + probe.Summary(KernelPrediction())).Trim();
            if (probe.Outcome == ProbeOutcome.CoreFound && program != CoreDumpOutcome.Written)
                summary += " The probe has none of the program's own crash handling, which " +
                           (program == CoreDumpOutcome.NotWritten ? "stops the core (see Program)." : "may stop the core (see Program).");
        }
        return new CoreDumpVerdict
        {
            ProcessId = _facts?.Pid,
            ProcessName = _facts?.Name,
            VerdictValue = outcome,
            StatusValue = outcome switch
            {
                CoreDumpOutcome.Written => CheckStatus.Pass,
                CoreDumpOutcome.NotWritten => CheckStatus.Fail,
                _ => CheckStatus.Warning,
            },
            Destination = destination,
            BlockerNames = blockers,
            WarningNames = warnings,
            EstimatedCoreBytes = _facts?.Size.ResidentBytes,
            VerifiedValue = probe?.Outcome ?? ProbeOutcome.NotRun,
            ProbeCorePath = probe?.CorePath,
            Summary = summary,
            Checks = ItemList.Of(_checks.Select(c => c.Check)),
        };
    }

    /// <summary>What the kernel's side predicts, which a probe can prove: every check but the program's own switch.</summary>
    internal CoreDumpOutcome KernelPrediction() => Outcome(c => c.Check.CheckName != CoreDumpCheckName.Program);

    /// <summary>The outcome the effects of the selected checks add up to: any block, else any doubt, else any cut.</summary>
    private CoreDumpOutcome Outcome(Func<CheckEntry, bool> selected)
    {
        bool blocks = false, uncertain = false, truncates = false;
        foreach (var entry in _checks)
        {
            if (!selected(entry)) continue;
            blocks |= entry.Effect == CheckEffect.Blocks;
            uncertain |= entry.Effect == CheckEffect.Uncertain;
            truncates |= entry.Effect == CheckEffect.Truncates;
        }
        return blocks ? CoreDumpOutcome.NotWritten : uncertain ? CoreDumpOutcome.Unknown : truncates ? CoreDumpOutcome.Truncated : CoreDumpOutcome.Written;
    }

    private CoreDumpCheckName[] Names(CheckEffect effect) => Names(c => c.Effect == effect);

    /// <summary>The names of the selected checks, each once, in checklist order.</summary>
    private CoreDumpCheckName[] Names(Func<CheckEntry, bool> selected)
    {
        // Plain arrays: generic collections of an enum would each be compiled on first use.
        var seen = new bool[64];
        var names = new CoreDumpCheckName[_checks.Count];
        int count = 0;
        foreach (var entry in _checks)
        {
            int index = (int)entry.Check.CheckName;
            if (!selected(entry) || seen[index]) continue;
            seen[index] = true;
            names[count++] = entry.Check.CheckName;
        }
        var result = new CoreDumpCheckName[count];
        for (int i = 0; i < count; i++) result[i] = names[i];
        return result;
    }

    /// <summary>Where the core would go, as one phrase.</summary>
    internal string Destination()
    {
        switch (Pattern.Kind)
        {
            case CorePatternKind.File when Location is { } l:
                return l.InProcessRoot ? $"{l.Path} (inside its root; {l.HostPath} from here)" : l.Path;
            case CorePatternKind.File:
                return Pattern.IsAbsolute ? Pattern.Text : $"each process's current directory ({Pattern.Text})";
        }
        return _handler switch
        {
            { Kind: CoreHandlerKind.SystemdCoredump, Systemd: { } s } => s.Storage switch
            {
                "external" => $"systemd-coredump: {SystemdCoredumpSettings.Store} (coredumpctl list)",
                "journal" => "systemd-coredump: the journal (coredumpctl list)",
                _ => $"systemd-coredump, which keeps nothing (Storage={s.Storage})",
            },
            { Kind: CoreHandlerKind.Apport } => "apport: a crash report in /var/crash",
            { Kind: CoreHandlerKind.Abrt } h => $"abrt: a dump directory in {h.StoreDirectory}",
            { } h => Pattern.Kind == CorePatternKind.Socket ? $"the socket {h.Path}" : $"the pipe handler {h.Path}",
            null => Pattern.Text,
        };
    }

    private string Summary(CoreDumpOutcome outcome, CoreDumpOutcome predicted, string destination,
        CoreDumpCheckName[] blockers, CoreDumpCheckName[] truncating, CoreDumpCheckName[] uncertain)
    {
        string who = _facts is null ? "A service started with the default limits" : "A crash";
        string List(CoreDumpCheckName[] names) => string.Join(", ", names);
        if (outcome != predicted) return "";
        return outcome switch
        {
            CoreDumpOutcome.NotWritten => $"No core: {List(blockers)} {(blockers.Length == 1 ? "stops" : "stop")} it (see Remedy).",
            CoreDumpOutcome.Truncated => $"{who} would leave a core in {destination}, but cut short ({List(truncating)}).",
            CoreDumpOutcome.Unknown => $"{who} would hand the core to {destination}; whether it is kept is uncertain ({List(uncertain)}).",
            _ => _facts is { } f
                ? $"A crash would leave a core of about {ByteSize.Format(f.Size.ResidentBytes)} in {destination}."
                : $"{who} would leave a core in {destination}.",
        };
    }
}
