namespace Diag.Linux.CoreDumps;

/// <summary>An environment variable with the values that let cores through (GOTRACEBACK=crash).</summary>
internal sealed class EnvironmentSwitch(string variable, params string[] onValues) : ProgramSwitch
{
    public override string Expected => $"{variable}={onValues[0]} in its environment";

    public override bool CanRead(ProcessFacts facts) => facts.Environment is not null;

    public override SwitchReading? Read(ProcessFacts facts, ProcessFileView files) =>
        facts.Environment is { } env && env.TryGetValue(variable, out var value)
            ? new SwitchReading(onValues.Contains(value, StringComparer.OrdinalIgnoreCase), $"{variable}={value}", "environment")
            : null;
}

/// <summary>A HotSpot boolean flag (-XX:+Name / -XX:-Name) on the command line or in the variables the JVM reads options from.</summary>
internal sealed class JvmFlagSwitch(string flag) : ProgramSwitch
{
    // The JVM reads these before its command line (JDK_JAVA_OPTIONS only through the java launcher); _JAVA_OPTIONS last, overriding it.
    private static readonly string[] BeforeCommandLine = ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"];
    private const string AfterCommandLine = "_JAVA_OPTIONS";

    public override string Expected => $"-XX:+{flag} or no -XX:-{flag}";

    public override SwitchReading? Read(ProcessFacts facts, ProcessFileView files)
    {
        SwitchReading? reading = null;
        foreach (var variable in BeforeCommandLine) Scan(Words(facts, variable), variable);
        Scan(facts.CommandLine, "command line");
        Scan(Words(facts, AfterCommandLine), AfterCommandLine);
        return reading;

        void Scan(IEnumerable<string> words, string where)
        {
            foreach (var word in words)
            {
                if (word == $"-XX:+{flag}") reading = new SwitchReading(true, word, where);
                else if (word == $"-XX:-{flag}") reading = new SwitchReading(false, word, where);
            }
        }
    }

    private static string[] Words(ProcessFacts facts, string variable) =>
        facts.Environment is { } env && env.TryGetValue(variable, out var value) ? value.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
}

/// <summary>A MySQL/MariaDB boolean server option (core-file) on the command line or in the option files.</summary>
internal sealed class MySqlOptionSwitch(string option) : ProgramSwitch
{
    public override string Expected => $"--{option} or {option} under [mysqld]";

    public override SwitchReading? Read(ProcessFacts facts, ProcessFileView files)
    {
        SwitchReading? reading = null;
        foreach (var entry in MySqlOptionFiles.ServerOptions(facts.CommandLine, facts.Environment, files))
            if (MySqlOptionFiles.Boolean(entry.Name, entry.Value, option) is { } on)
                reading = new SwitchReading(on, entry.Text, entry.Where);
        foreach (var argument in facts.CommandLine.Skip(1))
        {
            if (!argument.StartsWith("--", StringComparison.Ordinal)) continue;
            int eq = argument.IndexOf('=');
            var name = eq < 0 ? argument[2..] : argument[2..eq];
            var value = eq < 0 ? null : argument[(eq + 1)..];
            if (MySqlOptionFiles.Boolean(name, value, option) is { } on)
                reading = new SwitchReading(on, argument, "command line");
        }
        return reading;
    }
}
