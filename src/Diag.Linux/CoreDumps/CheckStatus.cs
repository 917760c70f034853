namespace Diag.Linux.CoreDumps;

/// <summary>The result of one check of <see cref="CoreDumpCheck"/>.</summary>
/// <remarks>Values start at 1, so that every value is true in PowerShell: Where-Object Check (or Status, Verdict) keeps them all.</remarks>
public enum CheckStatus
{
    /// <summary>Nothing here stops or shortens a core dump.</summary>
    Pass = 1,

    /// <summary>A core may be truncated, lost, or its fate is up to something Diag cannot see.</summary>
    Warning,

    /// <summary>This alone stops the core from being written or kept.</summary>
    Fail,

    /// <summary>A fact worth knowing (where the core lands, what the kernel will do); no judgement.</summary>
    Info,

    /// <summary>The check does not apply to this configuration (for example a pipe setting under a file pattern).</summary>
    NotApplicable,
}
