using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>bpf(BPF_PROG_LOAD) failed; <see cref="VerifierLog"/> holds what the verifier said, if anything.</summary>
internal sealed class BpfProgramRejectedException : SyscallException
{
    public BpfProgramRejectedException(string program, int errno, string verifierLog)
        : base("bpf(BPF_PROG_LOAD)", errno, "program " + program + (verifierLog.Length > 0 ? ": " + LastLines(verifierLog, 12) : ""))
    {
        Program = program;
        VerifierLog = verifierLog;
    }

    public string Program { get; }

    /// <summary>The whole verifier log (log_level 1), empty when the kernel gave none.</summary>
    public string VerifierLog { get; }

    /// <summary>The verifier states its reason last; the lines before say where.</summary>
    private static string LastLines(string log, int count)
    {
        var lines = log.Split('\n');
        return string.Join('\n', lines[Math.Max(0, lines.Length - count)..]);
    }
}
