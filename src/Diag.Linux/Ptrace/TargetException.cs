namespace Diag.Linux.Ptrace;

/// <summary>
/// A process or thread could not be inspected, traced or launched: <see cref="Exception.Message"/> says what
/// happened to which target, <see cref="Remedy"/> what to do about it. Every engine that acts on a target
/// (Trace-Syscall, Get-ThreadStack, Test-CoreDumpConfig -Verify) reports its refusals this way, named for the target.
/// </summary>
public sealed class TargetException : Exception
{
    public TargetException(TargetFailureReason reason, int? processId, string message, string remedy, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
        ProcessId = processId;
        Remedy = remedy;
    }

    /// <summary>Why the target could not be handled.</summary>
    public TargetFailureReason Reason { get; }

    /// <summary>The process or thread concerned, when there is one.</summary>
    public int? ProcessId { get; }

    /// <summary>What the user can do, e.g. "run as root (sudo)".</summary>
    public string Remedy { get; }

    /// <summary>The errno behind the failure, when a system call failed (ENOENT for a missing command).</summary>
    public int? Errno { get; init; }

    /// <summary>The target as a user names it (<c>process 1234 (nginx)</c>, <c>thread 5072 of process 5060 (vpnserver)</c>,
    /// <c>/usr/bin/make</c>), for the error record's target; null to let the cmdlet name it.</summary>
    public string? Target { get; init; }
}
