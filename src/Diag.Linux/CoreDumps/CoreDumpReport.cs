using Diag.Linux.Ptrace;
namespace Diag.Linux.CoreDumps;

/// <summary>The checklist of one process (or of the system) and its verdict, as the cmdlet writes them.</summary>
public sealed class CoreDumpReport
{
    internal CoreDumpReport(CoreDumpChecklist checklist, ProbeResult? probe)
    {
        Checklist = checklist;
        Checks = checklist.Checks.Select(c => c.Check).ToList();
        Verdict = checklist.BuildVerdict(probe);
        _verified = probe is not null;
    }

    private readonly bool _verified;
    private bool _planned;
    private ProbePlan? _plan;
    private string? _whyNoPlan;

    /// <summary>One line per check, in checklist order (and the probe's line after -Verify).</summary>
    public IReadOnlyList<CoreDumpCheck> Checks { get; }

    /// <summary>The conclusion.</summary>
    public CoreDumpVerdict Verdict { get; }

    /// <summary>What was read to reach the verdict, for -Verbose.</summary>
    public string Description
    {
        get
        {
            var facts = Checklist.Facts;
            var what = facts is null ? "the system-wide settings" : $"{facts.Name} ({facts.Pid})";
            var handler = Checklist.Handler is { } h ? $", its handler {h.Name}" : "";
            var read = facts is null
                ? "/proc/sys (core_pattern, core_uses_pid, suid_dumpable, core_pipe_limit), systemd's and the login limits"
                : $"/proc/{facts.Pid} (status, limits, cmdline, environ, cwd, root, maps, coredump_filter, cgroup), /proc/sys and the program's own settings";
            var unreadable = facts?.Unreadable is { Count: > 0 } u ? $"; not readable here: {string.Join(", ", u)}" : "";
            return $"Checked {what}: {Checks.Count} checks from {read}; kernel.core_pattern = {Checklist.Pattern.Text}{handler}{unreadable}.";
        }
    }

    /// <summary>What a -Verify probe would do (for -WhatIf and -Confirm); null when no probe can run.</summary>
    public string? ProbeAction => Plan?.Description;

    /// <summary>Why no probe can run, when <see cref="ProbeAction"/> is null.</summary>
    public string? WhyNoProbe => Plan is null ? _whyNoPlan : null;

    internal CoreDumpChecklist Checklist { get; }

    /// <summary>How a probe would take over the process's situation; made only when asked for (-Verify, -WhatIf).</summary>
    internal ProbePlan? Plan
    {
        get
        {
            if (!_planned && !_verified && Checklist.Facts is not null) _plan = ProbePlan.Create(Checklist, out _whyNoPlan);
            _planned = true;
            return _plan;
        }
    }
}

/// <summary>
/// Test-CoreDumpConfig's engine: the checklist for a process or for the system, and the -Verify probe. Reads the
/// machine (or a fixture root); the kernel settings and the crash handler are read once per inspector.
/// </summary>
public sealed class CoreDumpInspector
{
    private readonly MachineRoot _machine;
    private readonly KernelCoreSettings _kernel;
    private readonly CoreHandler? _handler;

    /// <summary>Inspects this machine.</summary>
    public CoreDumpInspector() : this("/")
    {
    }

    /// <summary>Inspects a fixture tree holding proc/sys, etc and proc/PID files (tests).</summary>
    internal CoreDumpInspector(string root, bool? canRaiseHardLimits = null)
    {
        _machine = new MachineRoot(root, canRaiseHardLimits);
        _kernel = KernelCoreSettings.Read(_machine);
        _handler = CoreHandler.Read(_machine, _kernel.Pattern);
    }

    /// <summary>The checklist of a process; null when it does not exist, or (with <paramref name="refusal"/>) when it has
    /// exited and waits for its parent (a zombie can no longer crash: there is nothing to check).</summary>
    public CoreDumpReport? InspectProcess(int pid, out TargetException? refusal)
    {
        refusal = null;
        if (ProcessFacts.Read(_machine, pid) is not { } facts) return null;
        if (facts.IsZombie)
        {
            refusal = new TargetException(TargetFailureReason.Exited, pid,
                $"process {pid} ({facts.Name}) has exited and is waiting for its parent, process {facts.ParentProcessId}, to collect its exit status (a zombie): it can no longer crash, so no core can come from it",
                $"check the process that runs in its place, or its parent if it stays a zombie (Test-CoreDumpConfig -Id {facts.ParentProcessId})")
            { Target = $"process {pid} ({facts.Name})" };
            return null;
        }
        return new CoreDumpReport(CoreDumpChecklist.ForProcess(_machine, _kernel, _handler, facts), null);
    }

    /// <summary>The checklist of a process; null when it does not exist or has exited.</summary>
    public CoreDumpReport? InspectProcess(int pid) => InspectProcess(pid, out _);

    /// <summary>The system-wide checklist: the pattern and its handler or directory, and the limits services and logins start with.</summary>
    public CoreDumpReport InspectSystem() => new(CoreDumpChecklist.ForSystem(_machine, _kernel, _handler), null);

    /// <summary>The /proc files of the process that could not be read (permission), for one warning.</summary>
    public static IReadOnlyList<string> UnreadableFiles(CoreDumpReport report) => report.Checklist.Facts?.Unreadable ?? [];

    /// <summary>Runs the probe for a process's report and returns the report with the Probe line and a verdict that weighs the proof.</summary>
    public CoreDumpReport Verify(CoreDumpReport report, CancellationToken cancel)
    {
        var checklist = CoreDumpChecklist.ForProcess(_machine, _kernel, _handler, report.Checklist.Facts ?? throw new ArgumentException("-Verify needs a process", nameof(report)));
        var predicted = checklist.KernelPrediction();
        var probe = report.Plan is { } plan ? CoreProbe.Run(plan, cancel) : ProbeResult.Failed(report.WhyNoProbe ?? "no probe can run here");
        checklist.AddProbe(probe.ToCheck(checklist.Facts!, predicted));
        return new CoreDumpReport(checklist, probe);
    }
}
