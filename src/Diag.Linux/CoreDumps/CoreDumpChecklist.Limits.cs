namespace Diag.Linux.CoreDumps;

// The resource limits: the process's own (RLIMIT_CORE, RLIMIT_FSIZE), its systemd unit's, the defaults for services and logins.
internal sealed partial class CoreDumpChecklist
{
    private void CheckCoreLimit(ProcessFacts facts)
    {
        const CoreDumpCheckName name = CoreDumpCheckName.CoreLimit;
        if (facts.CoreLimit is not { } limit)
        {
            Add(name, CheckStatus.Warning, CheckEffect.Uncertain, "unreadable", "unlimited",
                $"/proc/{Number(facts.Pid)}/limits could not be read, so its core limit is unknown.");
            return;
        }
        var actual = limit.ToString();
        ulong soft = limit.SoftValue;
        long estimate = facts.Size.ResidentBytes;
        var expected = $"unlimited (at least {ByteSize.Format(estimate)}, the estimated core)";
        var remedy = LimitRemedy(facts, limit);
        switch (Pattern.Kind)
        {
            case CorePatternKind.File:
                if (soft < PageSize)
                    Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, expected,
                        "With a core limit below one page the kernel writes no core file (ulimit -c).", remedy);
                else if (soft < (ulong)estimate)
                    Add(name, CheckStatus.Warning, CheckEffect.Truncates, actual, expected,
                        $"The core (about {ByteSize.Format(estimate)}) would be cut at {ByteSize.Format(soft)}, too short for a debugger.", remedy);
                else
                    Pass(name, actual, expected, "The core limit lets a whole core through.");
                return;
            case CorePatternKind.Pipe when soft == 1:
                Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, expected,
                    "A core limit of exactly 1 is the kernel's sign not to start the pipe handler at all.", remedy);
                return;
            case CorePatternKind.Pipe when _handler is { Kind: CoreHandlerKind.SystemdCoredump, ReceivesCoreLimit: true }:
                ulong apparent = (ulong)facts.Size.ApparentBytes;
                if (soft < PageSize)
                    Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, expected,
                        "The kernel pipes the core anyway, but systemd-coredump gets the limit (%c) and discards the core (\"Resource limits disable core dumping\").", remedy);
                else if (soft < apparent)
                    Add(name, CheckStatus.Warning, CheckEffect.Truncates, actual, $"unlimited (at least {ByteSize.Format(apparent)}, the core as piped)",
                        $"systemd-coredump stores at most the core limit, {ByteSize.Format(soft)}, of a core of up to {ByteSize.Format(apparent)} as piped " +
                        $"(the estimated {ByteSize.Format(estimate)} elsewhere is what a file would take on disk: pages never touched become holes).", remedy);
                else
                    Pass(name, actual, expected, "systemd-coredump honours the core limit, and it lets a whole core through.");
                return;
            case CorePatternKind.Pipe when _handler is { Kind: CoreHandlerKind.SystemdCoredump }:
                Pass(name, actual, "any value but 1",
                    "core_pattern passes systemd-coredump a fixed limit instead of %c (as Debian's does), so the process's own limit does not matter.");
                return;
            case CorePatternKind.Pipe when soft < PageSize:
                Add(name, CheckStatus.Warning, CheckEffect.Uncertain, actual, expected,
                    $"The kernel pipes the core whatever the limit; whether {_handler?.Name ?? "the handler"} honours a limit of {ResourceLimitPair.Text(limit.Soft)} is up to it.", remedy);
                return;
            case CorePatternKind.Pipe:
                Pass(name, actual, "any value but 1", "The kernel pipes the core whatever the limit (except 1).");
                return;
            default:
                Pass(name, actual, "any value", "The kernel ignores the core limit when it sends the core to a socket.");
                return;
        }
    }

    private string LimitRemedy(ProcessFacts facts, ResourceLimitPair limit)
    {
        var later = facts.ServiceUnit is { } unit
            ? $"LimitCORE=infinity under [Service] of {unit} (systemctl edit {unit}) for its next start"
            : "'ulimit -c unlimited' in the script that starts it, or '* soft core unlimited' in /etc/security/limits.conf";
        // The soft limit may rise up to the hard one as the process's owner; the hard one only with CAP_SYS_RESOURCE.
        string now;
        if (limit.Hard is null)
            now = $"prlimit --pid {Number(facts.Pid)} --core=unlimited:";
        else if (_machine.CanRaiseHardLimits)
            now = $"prlimit --pid {Number(facts.Pid)} --core=unlimited:unlimited";
        else
            return $"lasting: {later}; not now from this session: the hard limit is {ResourceLimitPair.Text(limit.Hard)} and raising it needs CAP_SYS_RESOURCE, " +
                   "which this session does not hold (a container or a service without it): restart the process with the lasting setting";
        return $"now: {now}; lasting: {later}";
    }

    /// <summary>Whether a limit this low stops cores under the current pattern (files, or systemd-coredump with %c).</summary>
    private bool LimitMatters => Pattern.Kind == CorePatternKind.File || _handler is { Kind: CoreHandlerKind.SystemdCoredump, ReceivesCoreLimit: true };

    private void CheckServiceLimit(string unit)
    {
        var (limit, source) = UnitLimit(unit);
        var actual = limit is { } l ? $"{l} ({source})" : source;
        var expected = "LimitCORE=infinity";
        if (limit is { } value && value.SoftValue < PageSize && LimitMatters)
            Add(CoreDumpCheckName.ServiceLimit, CheckStatus.Warning, CheckEffect.None, actual, expected,
                $"Every start of {unit} gives the process a core limit of {ResourceLimitPair.Text(value.Soft)}; prlimit does not survive a restart.",
                $"systemctl edit {unit}: add LimitCORE=infinity under [Service], then systemctl restart {unit}");
        else
            Pass(CoreDumpCheckName.ServiceLimit, actual, expected, $"{unit} starts with a core limit that lets cores through.");
    }

    /// <summary>A unit's LimitCORE=, else systemd's DefaultLimitCORE=, else what PID 1 itself has (services inherit it).</summary>
    private (ResourceLimitPair? Limit, string Source) UnitLimit(string unit)
    {
        var settings = SystemdConfig.ReadUnit(_machine, unit, "Service");
        if (settings.TryGetValue("LimitCORE", out var set))
            return (SystemdConfig.ParseLimit(set.Value), $"LimitCORE={set.Value} in {set.File}");
        var (fallback, source) = DefaultServiceLimit();
        return (fallback, $"{unit} sets no LimitCORE: {source}");
    }

    private (ResourceLimitPair? Limit, string Source) DefaultServiceLimit()
    {
        var manager = SystemdConfig.ReadConfig(_machine, "system.conf", "Manager");
        if (manager.TryGetValue("DefaultLimitCORE", out var set))
            return (SystemdConfig.ParseLimit(set.Value), $"DefaultLimitCORE={set.Value} in {set.File}");
        var pid1 = ResourceLimitPair.FromLimitsFile(_machine.ReadText("/proc/1/limits"), "Max core file size");
        return (pid1, pid1 is { } p ? $"no DefaultLimitCORE: services inherit PID 1's limit, {p}" : "no DefaultLimitCORE, and PID 1's limit is unreadable");
    }

    private void CheckDefaultServiceLimit()
    {
        const CoreDumpCheckName name = CoreDumpCheckName.ServiceLimit;
        var init = _machine.ReadLine("/proc/1/comm") ?? "unknown";
        (ResourceLimitPair? limit, string source) = init == "systemd"
            ? DefaultServiceLimit()
            : (ResourceLimitPair.FromLimitsFile(_machine.ReadText("/proc/1/limits"), "Max core file size") is var pid1 ? pid1 : null,
               $"PID 1 is {init}, not systemd: services it starts inherit its limit");
        var actual = limit is { } l ? $"{l} ({source})" : source;
        const string expected = "soft limit unlimited (DefaultLimitCORE=infinity)";
        if (limit is not { } value)
            Add(name, CheckStatus.Warning, CheckEffect.Uncertain, actual, expected, "The core limit services start with is unknown.");
        else if (value.SoftValue < PageSize && LimitMatters)
            Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, expected,
                $"A service started with the default limit ({ResourceLimitPair.Text(value.Soft)}) leaves no core unless its unit sets LimitCORE.",
                init == "systemd"
                    ? "DefaultLimitCORE=infinity under [Manager] in /etc/systemd/system.conf.d/core.conf, then systemctl daemon-reexec; or LimitCORE=infinity per unit"
                    : "raise the limit where services are started (ulimit -c unlimited in their start scripts)");
        else
            Pass(name, actual, expected, "Services start with a core limit that lets cores through.");
    }

    private void CheckLoginLimit()
    {
        const CoreDumpCheckName name = CoreDumpCheckName.LoginLimit;
        var entries = LoginLimits.Read(_machine);
        if (entries.Count == 0)
        {
            Add(name, CheckStatus.Info, CheckEffect.None, "no core line in /etc/security/limits.conf or limits.d", "* soft core unlimited",
                "A login session keeps the core limit of the service it comes from (sshd, getty); 'ulimit -c unlimited' raises it up to the hard limit.");
            return;
        }
        var actual = string.Join("; ", entries);
        var everyone = entries.Where(e => e.Domain == "*").ToList();
        bool hardZero = everyone.Any(e => e.Type is "hard" or "-" && e.Bytes is < PageSize);
        bool softZero = everyone.LastOrDefault(e => e.Type is "soft" or "-") is { Bytes: < PageSize };
        if (hardZero)
            Add(name, CheckStatus.Warning, CheckEffect.None, actual, "* soft core unlimited",
                "A hard core limit of 0 for everyone: processes started from a login can never dump core, and 'ulimit -c' cannot raise it.",
                "remove the hard core line, or set '* hard core unlimited', in the file named above");
        else if (softZero)
            Add(name, CheckStatus.Info, CheckEffect.None, actual, "* soft core unlimited",
                "Login sessions start with a core limit of 0: programs started by hand dump core only after 'ulimit -c unlimited'.",
                "'* soft core unlimited' in /etc/security/limits.d/core.conf");
        else
            Pass(name, actual, "* soft core unlimited", "Login sessions start with a core limit that lets cores through.");
    }

    private void CheckFileSizeLimit(ProcessFacts facts)
    {
        const CoreDumpCheckName name = CoreDumpCheckName.FileSizeLimit;
        if (Pattern.Kind != CorePatternKind.File)
        {
            NotApplicable(name, facts.FileSizeLimit?.ToString() ?? "unreadable", "The handler writes the core file with its own limits, not the process's.");
            return;
        }
        if (facts.FileSizeLimit is not { } limit)
        {
            Add(name, CheckStatus.Warning, CheckEffect.Uncertain, "unreadable", "unlimited", "Its file size limit is unknown.");
            return;
        }
        long apparent = facts.Size.ApparentBytes;
        var expected = $"unlimited (at least {ByteSize.Format(apparent)}, the core file's length)";
        if (limit.SoftValue < (ulong)apparent)
            Add(name, CheckStatus.Warning, CheckEffect.Truncates, limit.ToString(), expected,
                $"A core file stops growing at the file size limit ({ResourceLimitPair.Text(limit.Soft)}), and its length counts the holes of untouched memory.",
                $"prlimit --pid {Number(facts.Pid)} --fsize=unlimited:unlimited; lasting: LimitFSIZE=infinity in its unit or ulimit -f unlimited where it starts");
        else
            Pass(name, limit.ToString(), expected, "The file size limit does not cut the core file.");
    }
}
