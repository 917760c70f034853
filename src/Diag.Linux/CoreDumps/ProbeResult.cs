namespace Diag.Linux.CoreDumps;

/// <summary>What a -Verify probe did and left.</summary>
internal sealed class ProbeResult
{
    public required ProbeOutcome Outcome { get; init; }

    /// <summary>The probe died of SIGSEGV with the core-dumped bit set: the kernel wrote the core to the file or handler.</summary>
    public bool KernelDumped { get; init; }

    /// <summary>Where its core was found (now deleted), as the process sees the path.</summary>
    public string? CorePath { get; init; }

    public long? CoreBytes { get; init; }

    /// <summary>What happened, in words (found where, or why not).</summary>
    public required string Detail { get; init; }

    /// <summary>What of the process's situation the probe could not take over (its credentials without root...).</summary>
    public IReadOnlyList<string> Compromises { get; init; } = [];

    public static ProbeResult Failed(string detail, IReadOnlyList<string>? compromises = null) =>
        new() { Outcome = ProbeOutcome.Failed, Detail = detail, Compromises = compromises ?? [] };

    /// <summary>The probe's core was found (and deleted, or not).</summary>
    public static ProbeResult Found(string path, long bytes, bool dumped, bool deleted, string where, IReadOnlyList<string> compromises) => new()
    {
        Outcome = ProbeOutcome.CoreFound,
        KernelDumped = dumped,
        CorePath = path,
        CoreBytes = bytes,
        Detail = where + (deleted ? ", now deleted" : ", which could NOT be deleted: remove it by hand"),
        Compromises = compromises,
    };

    /// <summary>No core was found: NoCore, or Unproven when it may be where Diag cannot look.</summary>
    public static ProbeResult NotFound(ProbeOutcome outcome, bool dumped, string detail, IReadOnlyList<string> compromises) =>
        new() { Outcome = outcome, KernelDumped = dumped, Detail = detail, Compromises = compromises };

    /// <summary>The probe's sentence in the verdict, against what the checks predicted.</summary>
    public string Summary(CoreDumpOutcome predicted)
    {
        bool predictedCore = predicted is CoreDumpOutcome.Written or CoreDumpOutcome.Truncated;
        return Outcome switch
        {
            ProbeOutcome.CoreFound when predicted == CoreDumpOutcome.NotWritten =>
                $"-Verify: yet a probe crashed with its settings left a core ({CorePath}, deleted): a check is wrong here; please report it.",
            ProbeOutcome.CoreFound => $"-Verify: a probe crashed with its settings and left its core at {CorePath} (deleted).",
            ProbeOutcome.NoCore when predictedCore || predicted == CoreDumpOutcome.Unknown && !KernelDumped =>
                $"-Verify: a probe crashed with its settings and left no core ({Detail}): something Diag does not check stops it (an LSM such as AppArmor or SELinux, an ACL, a quota); see dmesg.",
            ProbeOutcome.NoCore => "-Verify: a probe crashed with its settings and left no core, as the checks say.",
            ProbeOutcome.Unproven => $"-Verify: a probe crashed, but its core cannot be proven: {Detail}.",
            _ => $"-Verify: the probe could not run: {Detail}.",
        } + (Compromises.Count > 0 ? " Unlike the process, the probe " + string.Join("; ", Compromises) + "." : "");
    }

    /// <summary>The Probe line of the checklist.</summary>
    public CoreDumpCheck ToCheck(ProcessFacts facts, CoreDumpOutcome predicted)
    {
        bool predictedCore = predicted is CoreDumpOutcome.Written or CoreDumpOutcome.Truncated;
        var status = Outcome switch
        {
            ProbeOutcome.CoreFound => CheckStatus.Pass,
            ProbeOutcome.NoCore => CheckStatus.Fail,
            _ => CheckStatus.Warning,
        };
        var actual = Outcome switch
        {
            ProbeOutcome.CoreFound => $"core found: {CorePath} ({ByteSize.Format(CoreBytes ?? 0)}), deleted",
            ProbeOutcome.NoCore => "no core" + (KernelDumped ? "" : " (the kernel dumped none)"),
            ProbeOutcome.Unproven => "crashed; " + (KernelDumped ? "the kernel handed the core over" : "no core-dumped status"),
            _ => "not run",
        };
        var agreement = Outcome switch
        {
            ProbeOutcome.CoreFound or ProbeOutcome.NoCore when (Outcome == ProbeOutcome.CoreFound) == predictedCore => "As the checks predict: ",
            ProbeOutcome.CoreFound or ProbeOutcome.NoCore when predicted != CoreDumpOutcome.Unknown => "Unlike the checks predict: ",
            _ => "",
        };
        return new CoreDumpCheck
        {
            CheckName = CoreDumpCheckName.Probe,
            StatusValue = status,
            ProcessId = facts.Pid,
            ProcessName = facts.Name,
            Actual = actual,
            Expected = predictedCore ? "a core" : predicted == CoreDumpOutcome.NotWritten ? "no core" : "a core, if kept",
            Message = agreement + Detail + (Compromises.Count > 0 ? ". Unlike the process, the probe " + string.Join("; ", Compromises) : "") + ".",
            Remedy = "",
        };
    }
}
