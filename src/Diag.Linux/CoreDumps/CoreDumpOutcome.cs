namespace Diag.Linux.CoreDumps;

/// <summary>In one word: would a crash leave a core?</summary>
/// <remarks>Values start at 1, so that every value is true in PowerShell: Where-Object Check (or Status, Verdict) keeps them all.</remarks>
public enum CoreDumpOutcome
{
    /// <summary>A complete core would be written (to a file, or kept by the pipe handler).</summary>
    Written = 1,

    /// <summary>A core would be written but cut short (core or file size limit, handler size limit, free space).</summary>
    Truncated,

    /// <summary>No core: at least one check fails.</summary>
    NotWritten,

    /// <summary>Up to something Diag cannot see (an unknown pipe handler, a program's own crash handling, unreadable /proc files).</summary>
    Unknown,
}
