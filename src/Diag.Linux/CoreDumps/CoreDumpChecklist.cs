using System.Globalization;

namespace Diag.Linux.CoreDumps;

/// <summary>One check and what it means for the verdict. A class, not a tuple: generic code over reference types is
/// shared and precompiled, so the first checklist of a session does not wait for the JIT.</summary>
internal sealed record CheckEntry(CoreDumpCheck Check, CheckEffect Effect);

/// <summary>What a check means for the verdict, beyond its status.</summary>
internal enum CheckEffect
{
    /// <summary>No influence on whether a core is written (a pass, a fact, a risk for later crashes).</summary>
    None,

    /// <summary>No core is written.</summary>
    Blocks,

    /// <summary>The core is written but cut short.</summary>
    Truncates,

    /// <summary>Whether a core is kept depends on something Diag cannot see.</summary>
    Uncertain,
}

/// <summary>
/// The whole core-dump checklist of core(5) and the incident it comes from (a MySQL server that crashed and
/// left no core) for one process, or for the system when no process is given: the process's limits, the
/// kernel's pattern and where it sends the core, the directory or handler that receives it, credentials
/// against fs.suid_dumpable, program-specific switches, containers. Each check yields one line; the verdict
/// follows from their effects. Split by subject over the CoreDumpChecklist.*.cs files.
/// </summary>
internal sealed partial class CoreDumpChecklist
{
    /// <summary>The smallest core limit the kernel writes a file for (binfmt_elf's min_coredump), and below which systemd-coredump discards.</summary>
    internal const ulong PageSize = 4096;

    private readonly MachineRoot _machine;
    private readonly KernelCoreSettings _kernel;
    private readonly CoreHandler? _handler;
    private readonly ProcessFacts? _facts;
    private readonly List<CheckEntry> _checks = new();
    private readonly DumpabilityState _dumpability;
    private readonly string _dumpabilityReason;
    private Dictionary<uint, string>? _userNames;

    private CoreDumpChecklist(MachineRoot machine, KernelCoreSettings kernel, CoreHandler? handler, ProcessFacts? facts)
    {
        _machine = machine;
        _kernel = kernel;
        _handler = handler;
        _facts = facts;
        (_dumpability, _dumpabilityReason) = facts is null ? (DumpabilityState.Dumpable, "") : Dumpability.Assess(facts);
        Location = facts is null || kernel.Pattern.Kind != CorePatternKind.File ? null : CoreLocation.ForProcess(machine, kernel, facts, _dumpability, DumpsAsRoot);
    }

    internal ProcessFacts? Facts => _facts;
    internal KernelCoreSettings Kernel => _kernel;
    internal CoreHandler? Handler => _handler;
    internal MachineRoot Machine => _machine;
    internal DumpabilityState DumpabilityState => _dumpability;

    /// <summary>Where this process's core file would be created (file patterns only).</summary>
    internal CoreLocation? Location { get; }

    internal CorePattern Pattern => _kernel.Pattern;

    /// <summary>A process that is not dumpable under fs.suid_dumpable = 2 dumps as root, only to an absolute path or a pipe.</summary>
    internal bool DumpsAsRoot => _dumpability == DumpabilityState.NotDumpable && _kernel.SuidDumpable == 2;

    internal IReadOnlyList<CheckEntry> Checks => _checks;

    public static CoreDumpChecklist ForProcess(MachineRoot machine, KernelCoreSettings kernel, CoreHandler? handler, ProcessFacts facts)
    {
        var list = new CoreDumpChecklist(machine, kernel, handler, facts);
        if (facts.IsKernelThread)
        {
            list.Add(CoreDumpCheckName.Program, CheckStatus.Info, CheckEffect.Blocks, "a kernel thread", "",
                "A kernel thread has no user memory: it never dumps core.");
            return list;
        }
        list.CheckCoreLimit(facts);
        if (facts.ServiceUnit is { } unit && list.SystemdIsInit()) list.CheckServiceLimit(unit);
        list.CheckFileSizeLimit(facts);
        list.CheckWhereTheCoreGoes();
        list.CheckSuidDumpable(facts);
        list.CheckPipeLimit();
        var rules = ProgramCoreRules.All.Where(r => r.Applies(facts)).ToList();
        list.CheckSignalHandler(facts, rules);
        foreach (var rule in rules) list.CheckProgram(facts, rule);
        if (facts.OtherPidNamespace || facts.OtherRoot) list.CheckContainer(facts);
        return list;
    }

    public static CoreDumpChecklist ForSystem(MachineRoot machine, KernelCoreSettings kernel, CoreHandler? handler)
    {
        var list = new CoreDumpChecklist(machine, kernel, handler, null);
        list.CheckDefaultServiceLimit();
        list.CheckLoginLimit();
        list.CheckWhereTheCoreGoes();
        list.CheckSystemSuidDumpable();
        list.CheckPipeLimit();
        return list;
    }

    /// <summary>The pattern, then its directory (a file) or its handler and store (a pipe or socket), free space, the file name.</summary>
    private void CheckWhereTheCoreGoes()
    {
        CheckPattern();
        if (Pattern.Kind == CorePatternKind.File)
        {
            CheckCoreDirectory();
        }
        else
        {
            CheckPipeHandler();
            CheckHandlerStorage();
        }
        CheckFreeSpace();
        CheckCoreFileName();
    }

    /// <summary>Adds the result of a probe (-Verify).</summary>
    internal void AddProbe(CoreDumpCheck check) => _checks.Add(new CheckEntry(check, CheckEffect.None));

    private void Add(CoreDumpCheckName name, CheckStatus status, CheckEffect effect, string actual, string expected, string message, string remedy = "")
    {
        _checks.Add(new CheckEntry(new CoreDumpCheck
        {
            CheckName = name,
            StatusValue = status,
            ProcessId = _facts?.Pid,
            ProcessName = _facts?.Name,
            Actual = actual,
            Expected = expected,
            Message = message,
            Remedy = remedy,
        }, effect));
    }

    private void Pass(CoreDumpCheckName name, string actual, string expected, string message) =>
        Add(name, CheckStatus.Pass, CheckEffect.None, actual, expected, message);

    private void NotApplicable(CoreDumpCheckName name, string actual, string message) =>
        Add(name, CheckStatus.NotApplicable, CheckEffect.None, actual, "", message);

    /// <summary>"mysql (27)" from /etc/passwd, or the number.</summary>
    internal string User(uint uid)
    {
        _userNames ??= ReadNames(_machine.ReadText("/etc/passwd"));
        var number = uid.ToString(CultureInfo.InvariantCulture);
        return _userNames.TryGetValue(uid, out var name) ? $"{name} ({number})" : "uid " + number;
    }

    private static Dictionary<uint, string> ReadNames(string? passwd)
    {
        var names = new Dictionary<uint, string>();
        foreach (var line in (passwd ?? "").Split('\n'))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                names.TryAdd(uid, fields[0]);
        }
        return names;
    }

    /// <summary>PID 1 is systemd, so services get their limits from unit files and system.conf.</summary>
    private bool SystemdIsInit() => _machine.ReadLine("/proc/1/comm") == "systemd";

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
