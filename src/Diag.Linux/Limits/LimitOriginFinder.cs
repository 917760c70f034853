using System.Globalization;
using Diag.Linux.CoreDumps;

namespace Diag.Linux.Limits;

/// <summary>
/// Finds where a limit came from. Limits are inherited across fork and exec, so the value is followed up the
/// process's ancestors to the first process that has it while its own parent does not (the origin); what started that
/// process says who set it: systemd (the unit's LimitNOFILE=, else DefaultLimitNOFILE= or systemd's built-in
/// default), a login (pam_limits' limits.conf), a container runtime, init itself, or the process (setrlimit, as
/// mysqld and java do at start) or a launcher between.
/// </summary>
internal sealed class LimitOriginFinder
{
    private static readonly HashSet<string> LoginParents = new(StringComparer.Ordinal)
    {
        "sshd", "sshd-session", "login", "su", "sudo", "cron", "crond", "atd", "gdm-session-wor", "lightdm", "systemd-logind",
    };

    private readonly MachineRoot _machine;
    private readonly Func<int, ProcessLimitFacts?> _facts;
    private readonly AccountDatabase _accounts;
    private readonly Dictionary<string, IReadOnlyDictionary<string, SystemdSetting>> _units = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, SystemdSetting>? _manager;
    private readonly Dictionary<string, IReadOnlyList<LoginLimitEntry>> _loginLimits = new(StringComparer.Ordinal);

    public LimitOriginFinder(MachineRoot machine, Func<int, ProcessLimitFacts?> facts, AccountDatabase accounts)
    {
        _machine = machine;
        _facts = facts;
        _accounts = accounts;
    }

    public LimitOrigin Find(ProcessLimitFacts process, ResourceLimitKind kind)
    {
        var value = process.Limits[(int)kind];
        var origin = process;
        ProcessLimitFacts? before = null; // the origin's parent, whose value differs
        for (int depth = 0; depth < 64 && origin.Status.ParentId > 0; depth++)
        {
            var parent = _facts(origin.Status.ParentId);
            if (parent is null) break;
            // systemd sets a service's limits when it starts it, even to values equal to its own.
            bool startedBySystemd = parent.ProcessId == 1 && parent.Status.Name == "systemd" && CoreDumps.ProcessFacts.ServiceUnitOf(origin.Cgroup) is not null;
            if (parent.Limits[(int)kind] != value || startedBySystemd) { before = parent; break; }
            origin = parent;
        }
        var info = ResourceLimitInfo.Of(kind);
        string who = Who(origin);
        if (origin.ProcessId == 1)
            return new LimitOrigin(LimitSource.Init, $"every ancestor up to init ({who}) has it: the kernel's default, or init's own configuration", 1, origin.Status.Name, null);

        var parentFacts = before ?? _facts(origin.Status.ParentId);
        string parentName = parentFacts?.Status.Name ?? ""; // the comm: what login and shim processes are known by
        string unit = CoreDumps.ProcessFacts.ServiceUnitOf(origin.Cgroup) ?? "";
        if (origin.Status.ParentId == 1 && parentName == "systemd" && unit.Length > 0) return FromSystemd(process, origin, info, unit, value);
        if (LoginParents.Contains(parentName) || (origin.Cgroup?.Contains("/session-", StringComparison.Ordinal) == true && parentName != "systemd"))
            return FromLogin(process, origin, info, parentFacts, parentName);
        if (parentName.StartsWith("containerd-shim", StringComparison.Ordinal) || parentName is "conmon" or "runc" or "crun" or "docker-init")
            return new LimitOrigin(LimitSource.ContainerRuntime,
                $"{who} was started with it by the container runtime ({parentName} {parentFacts!.ProcessId.ToString(CultureInfo.InvariantCulture)}): docker run --ulimit, or default-ulimits in /etc/docker/daemon.json",
                origin.ProcessId, origin.Name, null);
        string parentText = parentFacts is null ? "" : $" (its parent {Who(parentFacts)} has {parentFacts.Limits[(int)kind].PrlimitText})";
        return origin.ProcessId == process.ProcessId
            ? new LimitOrigin(LimitSource.SetByProcess, $"set by the process itself (setrlimit), or by prlimit or its launcher's ulimit{parentText}", origin.ProcessId, origin.Name, null)
            : new LimitOrigin(LimitSource.SetByProcess, $"inherited from {who}, which set it{parentText}", origin.ProcessId, origin.Name, null);
    }

    private LimitOrigin FromSystemd(ProcessLimitFacts process, ProcessLimitFacts origin, ResourceLimitInfo info, string unit, LimitPair value)
    {
        if (!_units.TryGetValue(unit, out var settings)) _units[unit] = settings = SystemdConfig.ReadUnit(_machine, unit, "Service");
        string via = origin.ProcessId == process.ProcessId ? "" : $", inherited from {Who(origin)}";
        if (settings.TryGetValue(info.SystemdDirective, out var set))
        {
            var mismatch = Matches(SystemdConfig.ParseLimit(set.Value), value, info.Kind) ? "" : $"; the process now has {value.PrlimitText}: changed since it started";
            return new LimitOrigin(LimitSource.SystemdUnit, $"{info.SystemdDirective}={set.Value} in {set.File}{via}{mismatch}", origin.ProcessId, origin.Name, unit);
        }
        _manager ??= SystemdConfig.ReadConfig(_machine, "system.conf", "Manager");
        if (_manager.TryGetValue("Default" + info.SystemdDirective, out var manager))
            return new LimitOrigin(LimitSource.SystemdDefault, $"Default{info.SystemdDirective}={manager.Value} in {manager.File} ({unit} sets no {info.SystemdDirective}){via}",
                origin.ProcessId, origin.Name, unit);
        var builtIn = info.Kind == ResourceLimitKind.OpenFiles ? " (1024:524288 since systemd 240)" : "";
        return new LimitOrigin(LimitSource.SystemdDefault, $"systemd's built-in default for services{builtIn}: {unit} sets no {info.SystemdDirective}{via}",
            origin.ProcessId, origin.Name, unit);
    }

    private LimitOrigin FromLogin(ProcessLimitFacts process, ProcessLimitFacts origin, ResourceLimitInfo info, ProcessLimitFacts? parent, string parentName)
    {
        if (!_loginLimits.TryGetValue(info.Name, out var entries)) _loginLimits[info.Name] = entries = LoginLimits.Read(_machine, info.Name);
        var status = origin.Status;
        var applying = entries.Where(e => _accounts.Matches(e.Domain, status.RealUid, status.RealGid, status.Groups)).ToList();
        string via = origin.ProcessId == process.ProcessId ? "" : $", inherited from {Who(origin)}";
        var detail = applying.Count > 0
            ? $"a login through {parentName}: pam_limits applies {string.Join("; ", applying)}{via}"
            : $"a login through {parentName}: no line in /etc/security/limits.conf or limits.d sets {info.Name} for {_accounts.Describe(status.RealUid)}, " +
              $"so the session changed it from {parentName}'s {parent?.Limits[(int)info.Kind].PrlimitText ?? "limit"} by other means (a shell's ulimit){via}";
        return new LimitOrigin(LimitSource.LoginSession, detail, origin.ProcessId, origin.Name, null);
    }

    /// <summary>A unit's value against the process's. systemd turns LimitNOFILE=infinity into fs.nr_open (2^20 or
    /// 2^30 - 8), never RLIM_INFINITY.</summary>
    private static bool Matches(CoreDumps.ResourceLimitPair? unit, LimitPair process, ResourceLimitKind kind)
    {
        if (unit is not { } u) return false;
        return Same(u.Soft, process.Soft) && Same(u.Hard, process.Hard);

        bool Same(ulong? set, ulong? actual) =>
            set == actual || (set is null && kind == ResourceLimitKind.OpenFiles && actual >= 1UL << 20);
    }

    private static string Who(ProcessLimitFacts p) => $"{p.Name} ({p.ProcessId.ToString(CultureInfo.InvariantCulture)})";
}
