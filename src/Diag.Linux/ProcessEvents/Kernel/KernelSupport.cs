using System.Runtime.InteropServices;
using Diag.Linux.Bpf;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.ProcessEvents.Kernel;

/// <summary>
/// What the kernel source needs before it touches bpf() (x86_64 programs, Linux 5.8+ for the ring buffer, the host's
/// PID namespace), and the words for a bpf() refusal: which privilege is missing, or what blocks bpf() although it
/// is there.
/// </summary>
internal static class KernelSupport
{
    private const string InitialPidNamespace = "pid:[4026531836]";
    private const string UseConnector = "or watch through the kernel's process connector (-Source ProcessConnector, which needs CAP_NET_ADMIN and reads command lines from /proc afterwards)";
    private static readonly Version RingBuffer = new(5, 8);

    public static void Check()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            throw Unsupported($"the kernel programs are written for x86_64, not {RuntimeInformation.ProcessArchitecture}");
        if (Environment.OSVersion.Version < RingBuffer)
            throw Unsupported($"the kernel ({Environment.OSVersion.Version}) is older than 5.8 and has no BPF ring buffer");
        if (!InInitialPidNamespace())
            throw Unsupported("this process runs in a PID namespace of its own (a container): the kernel programs see the host's process ids, which differ from the ones here; run Diag on the host (it sees the container's processes too)");
    }

    public static bool InInitialPidNamespace()
    {
        try
        {
            return new FileInfo("/proc/self/ns/pid").LinkTarget == InitialPidNamespace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A failed bpf() call as a <see cref="ProcessWatchException"/> that says why and what to do.</summary>
    public static ProcessWatchException Diagnose(SyscallException e)
    {
        var step = e.Syscall switch
        {
            "bpf(BPF_MAP_CREATE)" => "create a BPF map",
            "bpf(BPF_PROG_LOAD)" => "load a kernel program",
            "bpf(BPF_RAW_TRACEPOINT_OPEN)" => "attach a kernel program to a tracepoint",
            _ => "use bpf()",
        };
        if (e.Errno == Errno.EPERM || (e.Errno == Errno.EACCES && e is not BpfProgramRejectedException))
            return new ProcessWatchException(ProcessWatchFailureReason.AccessDenied,
                $"no permission to {step}: {e.Syscall} refused with {e.ErrnoName}", PermissionRemedy(), e);
        if (e.Errno == Errno.ENOSYS)
            return new ProcessWatchException(ProcessWatchFailureReason.Unsupported, "this kernel has no bpf() system call (CONFIG_BPF_SYSCALL is off)", "use -Source ProcessConnector", e);
        if (e is BpfProgramRejectedException rejected)
            return new ProcessWatchException(ProcessWatchFailureReason.Unsupported,
                $"the kernel refused the program {rejected.Program} ({Errno.GetName(e.Errno)}); the verifier said:\n{rejected.VerifierLog}",
                $"use -Source ProcessConnector, and report this with the kernel version ({Environment.OSVersion.Version}) and the verifier's words", e);
        return new ProcessWatchException(ProcessWatchFailureReason.Unsupported, $"the kernel source cannot {step}: {e.Message}", "use -Source ProcessConnector", e);
    }

    /// <summary>What to grant, or what else blocks bpf(), on this machine.</summary>
    public static string PermissionRemedy()
    {
        var caps = Capabilities.EffectiveOfThisThread();
        var privileged = Capabilities.Has(caps, Capabilities.CapSysAdmin)
            || (Capabilities.Has(caps, Capabilities.CapBpf) && Capabilities.Has(caps, Capabilities.CapPerfmon));
        if (!privileged)
        {
            if (Libc.GetEffectiveUserId() == 0)
                return $"this process runs as root without CAP_BPF and CAP_PERFMON (a container, a service manager or setpriv dropped them): give it both (docker run --cap-add BPF --cap-add PERFMON; systemd AmbientCapabilities=CAP_BPF CAP_PERFMON), {UseConnector}";
            // Never a capability on the dotnet binary: every .NET program on the machine would get the same power.
            return $"run as root (sudo pwsh); in a container, grant that container CAP_BPF and CAP_PERFMON (Linux 5.8+); {UseConnector}";
        }
        if (ReadText("/proc/self/status") is { } status && status.Contains("\nSeccomp:\t2", StringComparison.Ordinal))
            return $"a seccomp filter blocks bpf() for this process (a container's default profile does): run on the host, or start the container with a profile that allows bpf(); {UseConnector}";
        if (ReadText("/sys/kernel/security/lockdown") is { } lockdown && lockdown.Contains("[confidentiality]", StringComparison.Ordinal))
            return $"the kernel is locked down (confidentiality), which forbids reading kernel memory from programs; {UseConnector}";
        return $"the privileges are there but something else denies bpf(); {SecurityModules.Suspects(SecurityModules.Active())}; {UseConnector}";
    }

    private static ProcessWatchException Unsupported(string message) =>
        new(ProcessWatchFailureReason.Unsupported, message, "use -Source ProcessConnector");

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
