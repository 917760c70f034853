using System.Globalization;
using static Diag.Linux.CoreDumps.ByteSize;

namespace Diag.Linux.Limits;

/// <summary>The verdict on one limit and what to do: NearLimit at 80 % of the soft limit, TooHigh for an open-files
/// limit programs size themselves by, and the prlimit command and lasting change that fix it.</summary>
internal static class LimitAdvice
{
    public const double NearLimitShare = 0.8;

    /// <summary>Open-files limits from 2^24 up are TooHigh (systemd's "infinity" is 2^30 - 8 where fs.nr_open allows).</summary>
    public const ulong TooHighOpenFiles = 1UL << 24;

    /// <summary>Programs that raise their soft open-files limit to the hard one when they start.</summary>
    private static bool RaisesSoftToHard(string name) => name is "java" or "mysqld" or "mariadbd";

    public static (LimitStatus Status, string Note) Judge(ResourceLimitInfo info, LimitPair limit, ulong? used, string processName, uint realUid)
    {
        if (info.Kind == ResourceLimitKind.OpenFiles && (IsHuge(limit.Soft) || (IsHuge(limit.Hard) && RaisesSoftToHard(processName))))
            return (LimitStatus.TooHigh, TooHighNote(limit, processName));
        if (info.Kind == ResourceLimitKind.Processes && realUid == 0)
            return (LimitStatus.Ok, "Not enforced for root: the kernel lets uid 0 fork past it.");
        if (info.Kind is ResourceLimitKind.ResidentSet)
            return (LimitStatus.Ok, "Not enforced by Linux.");
        if (info.Kind is ResourceLimitKind.FileLocks)
            return (LimitStatus.Ok, "Not enforced since Linux 2.4.25.");
        if (used is { } u && limit.Soft is { } soft && soft > 0 && u >= NearLimitShare * soft)
            return (LimitStatus.NearLimit, NearNote(info, u, soft));
        return (LimitStatus.Ok, "");
    }

    private static bool IsHuge(ulong? value) => value is null || value >= TooHighOpenFiles;

    private static string TooHighNote(LimitPair limit, string processName)
    {
        var value = LimitPair.Text(limit.Soft is { } s && s >= TooHighOpenFiles || limit.Soft is null ? limit.Soft : limit.Hard);
        var general = $"Programs size tables by it or close every descriptor up to it: an open-files limit of {value} costs the kernel nothing, but " +
                      "MySQL 5 sizes its table cache by it (an 8 GiB allocation at 2^30, killed in a container at initialisation), " +
                      "Java raises its soft limit to the hard one (-XX:+MaxFDLimit), and daemons that close descriptors 3 to the limit at start spin for seconds.";
        return processName switch
        {
            "mysqld" or "mariadbd" => $"{processName}: MySQL 5 sizes its table cache (open_files_limit) by this limit and allocates accordingly at start. " + general,
            "java" => "java raises its soft limit to the hard one at start. " + general,
            _ => general,
        };
    }

    private static string NearNote(ResourceLimitInfo info, ulong used, ulong soft)
    {
        var share = (100.0 * used / soft).ToString("0", CultureInfo.InvariantCulture);
        string Amount(ulong v) => info.IsBytes ? Format(v) : v.ToString(CultureInfo.InvariantCulture);
        // The consequence first: the table shows the start of the note.
        var consequence = info.Kind switch
        {
            ResourceLimitKind.OpenFiles => "EMFILE at the limit: open(), socket() and accept() fail (\"Too many open files\")",
            ResourceLimitKind.Processes => "EAGAIN at the limit: fork() and pthread_create() fail; every process and thread of its real user counts",
            ResourceLimitKind.LockedMemory => "ENOMEM or EPERM at the limit: mlock(), io_uring and (before Linux 5.11) BPF maps fail",
            ResourceLimitKind.PendingSignals => "EAGAIN at the limit: signals queued for its user (sigqueue, POSIX timers) fail",
            ResourceLimitKind.AddressSpace => "ENOMEM at the limit: mmap() and malloc() fail; reservations count (64 MiB per glibc arena, a JVM's heap and code cache), not only memory in use",
            ResourceLimitKind.Data => "ENOMEM at the limit: brk() and private writable mappings fail",
            ResourceLimitKind.Stack => "SIGSEGV at the limit: the main thread's stack cannot grow further",
            ResourceLimitKind.CpuTime => "SIGXCPU at the soft limit, SIGKILL at the hard one",
            _ => "the next request fails at the limit",
        };
        return $"{consequence} ({Amount(used)} of {Amount(soft)} used, {share}%).";
    }

    /// <summary>The prlimit command for the running process and the lasting change, for a limit that needs changing.</summary>
    public static (string Now, string Lasting) Changes(ResourceLimitInfo info, LimitPair limit, ulong? used, LimitStatus status, int pid, string processName, LimitOrigin origin)
    {
        if (status == LimitStatus.Ok) return ("", "");
        ulong soft, hard;
        if (status == LimitStatus.TooHigh)
        {
            soft = hard = 65536; // enough for busy servers, small enough for tables sized by it
        }
        else
        {
            ulong current = limit.Soft ?? 0;
            soft = NextPowerOfTwo(Math.Max(current * 2, (used ?? 0) * 2));
            hard = limit.Hard is { } h && h >= soft ? h : soft;
        }
        var value = Value(info, soft) + ":" + Value(info, hard);
        bool needsPrivilege = limit.Hard is { } oldHard && hard > oldHard;
        var now = $"prlimit --pid {pid.ToString(CultureInfo.InvariantCulture)} --{info.Name}={soft.ToString(CultureInfo.InvariantCulture)}:{hard.ToString(CultureInfo.InvariantCulture)}" +
                  (needsPrivilege ? " (raising the hard limit needs root with CAP_SYS_RESOURCE)" : "");
        var directive = info.SystemdDirective;
        var lasting = origin.Source switch
        {
            LimitSource.SystemdUnit or LimitSource.SystemdDefault when origin.ServiceUnit is { } unit =>
                $"systemctl edit {unit}: [Service] {directive}={value}, then systemctl restart {unit}",
            LimitSource.LoginSession => $"/etc/security/limits.d/{info.Name}.conf: '<user> soft {info.Name} {LimitsConfValue(info, soft)}' and '<user> hard {info.Name} {LimitsConfValue(info, hard)}' (new logins)",
            LimitSource.ContainerRuntime => $"docker run --ulimit {info.Name}={soft.ToString(CultureInfo.InvariantCulture)}:{hard.ToString(CultureInfo.InvariantCulture)}, or default-ulimits in /etc/docker/daemon.json",
            LimitSource.Init => $"the init system's configuration (systemd: Default{directive}={value} in /etc/systemd/system.conf.d/limits.conf, then systemctl daemon-reexec)",
            _ => $"where {processName} is started (its launcher's ulimit or prlimit; a systemd unit's {directive}={value})",
        };
        if (status == LimitStatus.TooHigh && processName is "mysqld" or "mariadbd") lasting += "; and open_files_limit=65535 under [mysqld] in my.cnf";
        if (status == LimitStatus.TooHigh && processName == "java") lasting += "; or -XX:-MaxFDLimit to keep Java from raising its soft limit";
        return (now, lasting);
    }

    private static ulong NextPowerOfTwo(ulong v)
    {
        if (v <= 1) return 1;
        ulong p = 1;
        while (p < v && p < 1UL << 62) p <<= 1;
        return p;
    }

    private static string Value(ResourceLimitInfo info, ulong v) => v.ToString(CultureInfo.InvariantCulture);

    private static string LimitsConfValue(ResourceLimitInfo info, ulong v) =>
        (CoreDumps.LoginLimits.InKiB(info.Name) ? v / 1024 : v).ToString(CultureInfo.InvariantCulture);
}
