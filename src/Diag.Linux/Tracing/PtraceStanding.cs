using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.Tracing.Kernel;

namespace Diag.Linux.Tracing;

/// <summary>
/// What this process is to ptrace's access checks: who it runs as, whether it holds CAP_SYS_PTRACE, whether
/// its user namespace is the machine's, and Yama's scope. It turns "permission denied" into the reason that
/// applies here: "run as root" is the wrong advice for a root whose container dropped CAP_SYS_PTRACE, or who
/// is root only inside a user namespace.
/// </summary>
internal sealed record PtraceStanding(bool IsRoot, bool HasSysPtrace, bool InInitialUserNamespace, int YamaScope)
{
    private const int CapSysPtrace = 19;

    /// <summary>The uid_map of the initial user namespace: every uid maps to itself.</summary>
    private const string IdentityUidMap = "0 0 4294967295";

    public static PtraceStanding Current() => new(
        Libc.GetEffectiveUserId() == 0,
        KernelTraceSupport.Has(KernelTraceSupport.EffectiveCapabilities(), CapSysPtrace),
        ReadInitialUserNamespace(),
        ReadYamaScope());

    /// <summary>Why a process refuses ptrace to this root, with what to do; the most specific cause that holds.</summary>
    public string RootRefusal()
    {
        if (YamaScope == 3)
            return "ptrace is disabled on this machine until reboot (kernel.yama.ptrace_scope is 3)";
        if (!HasSysPtrace)
            return "this session runs as root without CAP_SYS_PTRACE (a container, a service manager or setpriv dropped it), " +
                   "which other users' and non-dumpable processes require: grant it (docker run --cap-add SYS_PTRACE; systemd AmbientCapabilities=CAP_SYS_PTRACE)";
        if (!InInitialUserNamespace)
            return "this session is root only inside a user namespace (a container's), and processes outside it refuse it: run on the host";
        return "a security module (SELinux, AppArmor) denies ptrace to them: see its audit log";
    }

    private static bool ReadInitialUserNamespace()
    {
        try
        {
            var map = string.Join(' ', File.ReadAllText("/proc/self/uid_map").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return map == IdentityUidMap;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // no /proc/self/uid_map: a kernel without user namespaces
        }
    }

    private static int ReadYamaScope()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/kernel/yama/ptrace_scope").Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1; // no Yama
        }
    }
}
