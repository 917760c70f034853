namespace Diag.Linux.CoreDumps;

// What the process itself decides: its credentials against fs.suid_dumpable, its signal handlers, program
// switches (mysqld core-file, GOTRACEBACK, CreateCoredumpOnCrash), and its container.
internal sealed partial class CoreDumpChecklist
{
    private void CheckSuidDumpable(ProcessFacts facts)
    {
        const CoreDumpCheckName name = CoreDumpCheckName.SuidDumpable;
        int mode = _kernel.SuidDumpable;
        var actual = $"fs.suid_dumpable = {Number(mode)}; {_dumpabilityReason}";
        var restart = $"sysctl -w fs.suid_dumpable=2 (lasting: fs.suid_dumpable = 2 in /etc/sysctl.d/60-core.conf) with an absolute kernel.core_pattern or a pipe, then restart {facts.Name}: the kernel takes the setting when the process changes credentials";
        switch (_dumpability)
        {
            case DumpabilityState.Unknown:
                Add(name, CheckStatus.Warning, CheckEffect.Uncertain, actual, "a dumpable process, or fs.suid_dumpable = 2",
                    "Whether the process is dumpable is unknown.");
                return;
            case DumpabilityState.Dumpable:
                Pass(name, actual, "dumpable (or fs.suid_dumpable = 2)", "The process dumps with its own credentials; fs.suid_dumpable does not apply.");
                return;
            case DumpabilityState.AssumedDumpable:
                Pass(name, actual, "dumpable (or fs.suid_dumpable = 2)", "A root process that kept its ids dumps as itself; fs.suid_dumpable does not apply.");
                return;
        }
        switch (mode)
        {
            case 2 when !Pattern.IsAbsolute:
                Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, "an absolute kernel.core_pattern or a pipe",
                    "It dumps as root under fs.suid_dumpable = 2, which the kernel allows only to an absolute path or a pipe.", AbsolutePatternRemedy);
                return;
            case 2:
                Pass(name, actual, "fs.suid_dumpable = 2",
                    "It dumps as root (core readable by root only), provided it changed credentials after fs.suid_dumpable was set to 2; restart it if the setting is newer.");
                return;
            case 1:
                Add(name, CheckStatus.Warning, CheckEffect.Uncertain, actual, "fs.suid_dumpable = 2",
                    "With fs.suid_dumpable = 1 a process that changes credentials stays dumpable, so this one either made itself non-dumpable (prctl) or changed credentials before the setting: it dumps nothing unless restarted.",
                    restart);
                return;
            default:
                Add(name, CheckStatus.Fail, CheckEffect.Blocks, actual, "fs.suid_dumpable = 2",
                    "With fs.suid_dumpable = 0 the kernel writes no core for a process that changed its credentials (as servers started as root do).",
                    restart);
                return;
        }
    }

    private void CheckSystemSuidDumpable()
    {
        const CoreDumpCheckName name = CoreDumpCheckName.SuidDumpable;
        int mode = _kernel.SuidDumpable;
        var actual = $"fs.suid_dumpable = {Number(mode)}";
        const string expected = "2, with an absolute pattern or a pipe";
        switch (mode)
        {
            case 2:
                Pass(name, actual, expected, "Processes that changed credentials (servers started as root, setuid programs) dump as root.");
                return;
            case 1:
                Add(name, CheckStatus.Info, CheckEffect.None, actual, expected,
                    "Processes that changed credentials dump as themselves: their cores may be readable by a user who should not see them (a debugging setting).",
                    "sysctl -w fs.suid_dumpable=2");
                return;
            default:
                Add(name, CheckStatus.Info, CheckEffect.None, actual, expected,
                    "Processes that changed credentials (servers started as root that switch user, setuid programs) dump no core.",
                    "sysctl -w fs.suid_dumpable=2 (lasting: /etc/sysctl.d/60-core.conf), with an absolute kernel.core_pattern or a pipe");
                return;
        }
    }

    private void CheckSignalHandler(ProcessFacts facts, IReadOnlyList<ProgramCoreRule> rules)
    {
        const CoreDumpCheckName name = CoreDumpCheckName.SignalHandler;
        var caught = new List<string>();
        if (facts.Catches(ProcessFacts.SIGSEGV)) caught.Add("SIGSEGV");
        if (facts.Catches(ProcessFacts.SIGBUS)) caught.Add("SIGBUS");
        if (facts.Catches(ProcessFacts.SIGABRT)) caught.Add("SIGABRT");
        if (caught.Count == 0)
        {
            Pass(name, "default action for SIGSEGV, SIGBUS, SIGABRT", "the default action (core)", "A crash takes the kernel's default action: dump core.");
            return;
        }
        var actual = "catches " + string.Join(", ", caught);
        if (rules.Count > 0)
            Add(name, CheckStatus.Info, CheckEffect.None, actual, "a handler that re-raises the signal",
                $"It is {rules[0].Program}: its own switch decides (see Program).");
        else
            Add(name, CheckStatus.Info, CheckEffect.None, actual, "a handler that re-raises the signal",
                "A core is written only if its crash handler restores the default action and re-raises the signal (most do; some exit instead).");
    }

    private void CheckProgram(ProcessFacts facts, ProgramCoreRule rule)
    {
        const CoreDumpCheckName name = CoreDumpCheckName.Program;
        var view = new ProcessFileView(_machine, facts);
        var expected = rule.Switch.Expected;
        if (!rule.Switch.CanRead(facts))
        {
            Add(name, CheckStatus.Warning, CheckEffect.Uncertain, $"{rule.Program}: its environment cannot be read", expected,
                rule.Why + " Run as root to read it.", rule.Remedy(facts));
            return;
        }
        var reading = rule.Switch.Read(facts, view);
        bool on = reading?.On ?? rule.DumpsByDefault;
        var actual = reading is { } r ? $"{rule.Program}: {r.Setting} ({r.Where})" : $"{rule.Program}: not set ({(rule.DumpsByDefault ? "default: on" : "default: off")})";
        if (on)
            Pass(name, actual, expected, $"It dumps core when it crashes: {rule.Why}");
        else
            Add(name, rule.OffStatus, rule.OffStatus == CheckStatus.Fail ? CheckEffect.Blocks : CheckEffect.Uncertain, actual, expected, rule.Why, rule.Remedy(facts));
    }

    private void CheckContainer(ProcessFacts facts)
    {
        var inside = new List<string>();
        if (facts.OtherPidNamespace) inside.Add($"PID namespace (pid {Number(facts.NamespacePid)} inside)");
        if (facts.OtherMountNamespace) inside.Add("mount namespace");
        else if (facts.OtherRoot) inside.Add($"root {facts.RootDirectory}");
        var actual = "its own " + string.Join(", ", inside);
        string message = Pattern.Kind switch
        {
            CorePatternKind.File when Location is { } l && l.InProcessRoot =>
                $"core_pattern is the host's, but the path is resolved in its own file system: {l.Path} inside, {l.HostPath} from here.",
            CorePatternKind.File when Location is { } l =>
                $"core_pattern is the host's, and as it dumps as root the path is resolved on the host: {l.HostPath}.",
            CorePatternKind.File => "core_pattern is the host's; the path is resolved in its own file system.",
            _ => $"core_pattern is the host's: the kernel runs {_handler?.Name ?? "the handler"} on the host, so the core lands on the host, not in the container"
                 + (_handler?.Kind == CoreHandlerKind.SystemdCoredump ? " (systemd 255+ can hand it back with CoredumpReceive=)." : "."),
        };
        Add(CoreDumpCheckName.Container, CheckStatus.Info, CheckEffect.None, actual, "", message);
    }
}
