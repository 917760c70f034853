using System.Globalization;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Ptrace;

/// <summary>
/// What this process is to ptrace's access checks: who it runs as, whether it holds CAP_SYS_PTRACE, whether its
/// user namespace is the machine's, Yama's scope, and which security modules are active and confine it. It turns
/// "permission denied" into the reason that applies here: "run as root" is the wrong advice for a root whose
/// container dropped CAP_SYS_PTRACE, or who is root only inside a user namespace; and a security module is named
/// only when one is active, never guessed.
/// </summary>
internal sealed record PtraceStanding(bool IsRoot, bool HasSysPtrace, bool InInitialUserNamespace, int YamaScope,
    IReadOnlyList<string>? SecurityModules, string? Confinement)
{
    /// <summary>The uid_map of the initial user namespace: every uid maps to itself.</summary>
    private const string IdentityUidMap = "0 0 4294967295";

    public static PtraceStanding Current() => new(
        Libc.GetEffectiveUserId() == 0,
        Capabilities.Holds(Capabilities.CapSysPtrace),
        ReadInitialUserNamespace(),
        ReadYamaScope(),
        ProcFs.SecurityModules.Active(),
        ProcFs.SecurityModules.ConfinementOfThisProcess());

    /// <summary>Why a process refuses ptrace to this root, with what to do; the most specific cause that holds.</summary>
    public string RootRefusal()
    {
        if (YamaScope == 3)
            return "ptrace is disabled on this machine until reboot (kernel.yama.ptrace_scope is 3)";
        if (!HasSysPtrace)
            return "this session runs as root without CAP_SYS_PTRACE (a container, a service manager or setpriv dropped it), " +
                   "which other users' and non-dumpable processes require: grant it to this container or service only " +
                   "(docker run --cap-add SYS_PTRACE; systemd AmbientCapabilities=CAP_SYS_PTRACE)";
        if (!InInitialUserNamespace)
            return "this session is root only inside a user namespace (a container's), and processes outside it refuse it: run on the host";
        if (Confinement is not null)
            return $"this session is confined by {Confinement}, which may deny ptrace: see its audit log (journalctl -k, /var/log/audit/audit.log) " +
                   "and run from an unconfined shell";
        var ruled = "root with CAP_SYS_PTRACE in the host's user namespace" +
                    (YamaScope >= 0 ? $", kernel.yama.ptrace_scope {YamaScope.ToString(CultureInfo.InvariantCulture)}" : "");
        return $"the cause is not known: ruled out {ruled}; {ProcFs.SecurityModules.Suspects(SecurityModules)}";
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
