namespace Diag.Linux.CoreDumps;

/// <summary>
/// The programs that decide for themselves whether a crash leaves a core, as data: how to recognise each, the
/// switch that matters and where it is read from, what it does by default, and the fix. Adding a program is
/// adding an entry.
/// </summary>
internal static class ProgramCoreRules
{
    public static readonly IReadOnlyList<ProgramCoreRule> All =
    [
        new()
        {
            Program = "mysqld",
            Applies = f => IsNamed(f, "mysqld", "mariadbd"),
            DumpsByDefault = false,
            Switch = new MySqlOptionSwitch("core-file"),
            OffStatus = CheckStatus.Fail,
            Why = "mysqld catches SIGSEGV to print a stack trace and, without core-file, exits without a core (a core would hold table data).",
            Remedy = f => $"add 'core-file' under [mysqld] in /etc/mysql/conf.d/core-file.cnf (or start it with --core-file), then restart {f.Name}",
        },
        new()
        {
            Program = "a Go program",
            Applies = f => f.IsGo,
            DumpsByDefault = false,
            Switch = new EnvironmentSwitch("GOTRACEBACK", "crash"),
            OffStatus = CheckStatus.Warning,
            Why = "the Go runtime turns a crash into a stack trace and exit status 2, and dumps core only with GOTRACEBACK=crash (or debug.SetTraceback(\"crash\") in its code).",
            Remedy = f => f.ServiceUnit is { } unit
                ? $"add Environment=GOTRACEBACK=crash to [Service] of {unit} (systemctl edit {unit}), then restart it"
                : "start it with GOTRACEBACK=crash in its environment",
        },
        new()
        {
            Program = "a Java virtual machine",
            Applies = f => f.IsJvm,
            DumpsByDefault = true,
            Switch = new JvmFlagSwitch("CreateCoredumpOnCrash"),
            OffStatus = CheckStatus.Fail,
            Why = "on a native crash the JVM writes hs_err_pid*.log and then dumps core only if CreateCoredumpOnCrash is on (the default since JDK 9).",
            Remedy = f => $"remove -XX:-CreateCoredumpOnCrash from its options (command line, JAVA_TOOL_OPTIONS), then restart {f.Name}",
        },
    ];

    private static bool IsNamed(ProcessFacts facts, params string[] names) =>
        names.Contains(facts.Name, StringComparer.Ordinal) ||
        (facts.ExecutablePath is { } exe && names.Contains(Path.GetFileName(exe.Replace(" (deleted)", "", StringComparison.Ordinal)), StringComparer.Ordinal));
}
