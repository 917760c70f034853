using Diag.Linux.Bpf;
using Diag.Linux.Interop;

namespace Diag.Linux.Tests.Bpf;

/// <summary>
/// What this kernel lets a root process attach, probed once: kernels differ (kprobes compiled out, fprobe
/// missing, fentry refused by a security policy), and a test of a kind the kernel lacks is reported as skipped
/// with the reason instead of passing without checking anything. The kinds a kernel lacks have tests of their
/// own that check the error the layer gives (<see cref="KprobesMissingFactAttribute"/>...).
/// </summary>
internal static class KernelFeatures
{
    private static readonly Lazy<string?> FentryProblem = new(ProbeFentry);
    private static readonly Lazy<string?> KprobesProblem = new(ProbeKprobes);
    private static readonly Lazy<string?> KprobeMultiProblem = new(ProbeKprobeMulti);

    /// <summary>Why fentry/fexit programs cannot be used here, or null when they can.</summary>
    public static string? FentryUnavailable => FentryProblem.Value;

    /// <summary>Why kprobes cannot be used here, or null.</summary>
    public static string? KprobesUnavailable => KprobesProblem.Value;

    /// <summary>Why kprobe-multi links cannot be used here, or null.</summary>
    public static string? KprobeMultiUnavailable => KprobeMultiProblem.Value;

    private static string? ProbeFentry()
    {
        var id = BpfTestPrograms.Btf.Function(BpfTestPrograms.Function)?.Id;
        if (id is null)
            return $"the kernel's BTF has no FUNC {BpfTestPrograms.Function}";
        try
        {
            using var program = BpfProgram.LoadTracing("diag_probe", Return0(), BpfAttachType.TraceFentry, id.Value);
            using var link = TracingLink.Attach(program, BpfTestPrograms.Function);
            return null;
        }
        catch (SyscallException e)
        {
            return $"this kernel refuses fentry programs to root ({e.Message}; " +
                   (e is BpfProgramRejectedException { VerifierLog: "" } ? "no verifier log: refused before verification, by a security policy such as lockdown or an LSM)" : "see the verifier log)");
        }
    }

    private static string? ProbeKprobes()
    {
        try
        {
            ProbePmu.Kprobe();
            return null;
        }
        catch (BpfFeatureUnavailableException e)
        {
            return e.Message;
        }
    }

    private static string? ProbeKprobeMulti()
    {
        try
        {
            using var program = BpfProgram.LoadKprobe("diag_probe", Return0(), multi: true);
            using var link = KprobeMultiLink.Attach(program, [BpfTestPrograms.Function]);
            return null;
        }
        catch (SyscallException e)
        {
            return $"this kernel has no kprobe-multi links ({e.Message})";
        }
    }

    private static BpfInstruction[] Return0()
    {
        var a = new BpfAssembler();
        a.Mov(BpfRegister.R0, 0);
        a.Exit();
        return a.Build();
    }
}

/// <summary>A test that needs fentry/fexit programs: skipped, with the kernel's reason, where they are refused.</summary>
public sealed class FentryFactAttribute : FactAttribute
{
    public FentryFactAttribute()
    {
        if (KernelFeatures.FentryUnavailable is { } reason)
            Skip = reason;
    }
}

/// <summary>A test that needs kprobes.</summary>
public sealed class KprobesFactAttribute : FactAttribute
{
    public KprobesFactAttribute()
    {
        if (KernelFeatures.KprobesUnavailable is { } reason)
            Skip = reason;
    }
}

/// <summary>A test of what the layer says on a kernel without kprobes; skipped where kprobes exist.</summary>
public sealed class KprobesMissingFactAttribute : FactAttribute
{
    public KprobesMissingFactAttribute()
    {
        if (KernelFeatures.KprobesUnavailable is null)
            Skip = "this kernel has kprobes";
    }
}

/// <summary>A test that needs kprobe-multi links.</summary>
public sealed class KprobeMultiFactAttribute : FactAttribute
{
    public KprobeMultiFactAttribute()
    {
        if (KernelFeatures.KprobeMultiUnavailable is { } reason)
            Skip = reason;
    }
}

/// <summary>A test of the kprobe-multi fallback or of its failure; skipped where kprobe-multi links work.</summary>
public sealed class KprobeMultiMissingFactAttribute : FactAttribute
{
    public KprobeMultiMissingFactAttribute()
    {
        if (KernelFeatures.KprobeMultiUnavailable is null)
            Skip = "this kernel has kprobe-multi links";
    }
}
