using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;
using Diag.Linux.Ptrace;

namespace Diag.Linux.Tracing.Kernel;

/// <summary>
/// Turns a failed bpf() call into a <see cref="TargetException"/> that says why and what to do:
/// <see cref="TargetFailureReason.AccessDenied"/> when privileges are missing (with what to grant, or what
/// blocks bpf() although they are there), <see cref="TargetFailureReason.Unsupported"/> when the kernel lacks
/// something or its verifier refuses a program (with the verifier's log).
/// </summary>
internal static class KernelTraceFailure
{
    private const string UsePtrace = "or trace with ptrace (-Backend Ptrace)";

    public static TargetException Diagnose(SyscallException e, int? pid)
    {
        var step = e.Syscall switch
        {
            "bpf(BPF_MAP_CREATE)" => "create a BPF map",
            "bpf(BPF_PROG_LOAD)" => "load a kernel program",
            "bpf(BPF_RAW_TRACEPOINT_OPEN)" => "attach a kernel program to a tracepoint",
            _ => "use bpf()",
        };
        if (e.Errno == Errno.EPERM || (e.Errno == Errno.EACCES && e is not BpfProgramRejectedException))
            return new TargetException(TargetFailureReason.AccessDenied, pid,
                $"no permission to {step} for the kernel backend: {e.Syscall} refused with {e.ErrnoName}{Situation()}", PermissionRemedy(), e) { Errno = e.Errno };
        if (e.Errno == Errno.ENOSYS)
            return new TargetException(TargetFailureReason.Unsupported, pid,
                "this kernel has no bpf() system call (CONFIG_BPF_SYSCALL is off)", "use the ptrace backend (-Backend Ptrace)", e) { Errno = e.Errno };
        if (e is BpfProgramRejectedException rejected)
            return new TargetException(TargetFailureReason.Unsupported, pid,
                $"the kernel refused the program {rejected.Program} ({Errno.GetName(e.Errno)}); the verifier said:\n{rejected.VerifierLog}",
                $"use the ptrace backend (-Backend Ptrace), and report this with the kernel version ({Environment.OSVersion.Version}) and the verifier's words", e) { Errno = e.Errno };
        if (e.Syscall == "bpf(BPF_RAW_TRACEPOINT_OPEN)" && e.Errno == Errno.ENOENT)
            return new TargetException(TargetFailureReason.Unsupported, pid,
                $"this kernel lacks a tracepoint the kernel backend needs ({e.Message})", "use the ptrace backend (-Backend Ptrace)", e) { Errno = e.Errno };
        return new TargetException(TargetFailureReason.Unsupported, pid,
            $"the kernel backend cannot {step}: {e.Message}", "use the ptrace backend (-Backend Ptrace)", e) { Errno = e.Errno };
    }

    /// <summary>What to grant, or what else blocks bpf(), on this machine.</summary>
    public static string PermissionRemedy()
    {
        var caps = KernelTraceSupport.EffectiveCapabilities();
        var privileged = KernelTraceSupport.Has(caps, KernelTraceSupport.CapSysAdmin)
            || (KernelTraceSupport.Has(caps, KernelTraceSupport.CapBpf) && KernelTraceSupport.Has(caps, KernelTraceSupport.CapPerfmon));
        if (!privileged)
        {
            if (Libc.GetEffectiveUserId() == 0)
                return $"this process runs as root without its capabilities (a container, a service manager or setpriv dropped them): give it CAP_BPF and CAP_PERFMON (docker run --cap-add BPF --cap-add PERFMON; systemd AmbientCapabilities=CAP_BPF CAP_PERFMON), {UsePtrace}";
            if (Environment.OSVersion.Version < new Version(5, 8))
                return $"run as root (this kernel is older than 5.8: loading tracing programs needs CAP_SYS_ADMIN), {UsePtrace}";
            // Never a capability on the dotnet binary: it would give every .NET program on the machine the same power.
            if (KernelTraceSupport.Has(caps, KernelTraceSupport.CapBpf))
                return $"run as root (sudo pwsh): tracing programs need CAP_PERFMON besides CAP_BPF (for a container, --cap-add PERFMON); {UsePtrace}";
            return $"run as root (sudo pwsh); in a container, grant that container CAP_BPF and CAP_PERFMON (Linux 5.8+: docker run --cap-add BPF --cap-add PERFMON); {UsePtrace}";
        }
        if (ReadText("/proc/self/status") is { } status && status.Contains("\nSeccomp:\t2", StringComparison.Ordinal))
            return $"a seccomp filter blocks bpf() for this process (a container's default profile does): run on the host, or start the container with --cap-add BPF --cap-add PERFMON and a profile that allows bpf(); {UsePtrace}";
        if (ReadText("/sys/kernel/security/lockdown") is { } lockdown && lockdown.Contains("[confidentiality]", StringComparison.Ordinal))
            return $"the kernel is locked down (confidentiality), which forbids reading kernel memory from programs; {UsePtrace}";
        if (SecurityModules.ConfinementOfThisProcess() is { } confinement)
            return $"the privileges are there but this session is confined by {confinement}, which may deny bpf(): see its audit log; {UsePtrace}";
        return $"the privileges are there but something else denies bpf() (not seccomp, not lockdown); {SecurityModules.Suspects(SecurityModules.Active())}; {UsePtrace}";
    }

    /// <summary>The setting that makes bpf() root-only, when it applies: worth saying, not a remedy (tracing programs need privileges anyway).</summary>
    private static string Situation()
    {
        var caps = KernelTraceSupport.EffectiveCapabilities();
        var parts = new List<string>();
        if (Libc.GetEffectiveUserId() != 0)
            parts.Add("not root");
        else if (!KernelTraceSupport.Has(caps, KernelTraceSupport.CapSysAdmin))
            parts.Add("root without capabilities");
        if (ReadText("/proc/sys/kernel/unprivileged_bpf_disabled")?.Trim() is { } disabled && disabled != "0")
            parts.Add($"kernel.unprivileged_bpf_disabled = {disabled}");
        return parts.Count == 0 ? "" : " (" + string.Join("; ", parts) + ")";
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
