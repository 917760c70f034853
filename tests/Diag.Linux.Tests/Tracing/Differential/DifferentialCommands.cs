using System.Text;

namespace Diag.Linux.Tests.Tracing.Differential;

/// <summary>The checked-in command set (Commands/commands.txt), each command as its argument list.</summary>
internal static class DifferentialCommands
{
    public static string ScriptsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "Tracing", "Differential", "Commands");

    /// <summary>The prefix every command runs under in both traces: no address randomisation, so that
    /// pointers compare, and the same environment (Python's hash seed fixed, the C locale). setarch's own
    /// calls, made before it turns randomisation off, are left out of the comparison
    /// (<see cref="ThreadLines.WithoutLauncher"/>).</summary>
    public static readonly string[] Prefix = ["/usr/bin/setarch", "x86_64", "-R", "/usr/bin/env", "PYTHONHASHSEED=0", "LC_ALL=C"];

    public static IReadOnlyList<IReadOnlyList<string>> Load()
    {
        var commands = new List<IReadOnlyList<string>>();
        foreach (var raw in File.ReadLines(Path.Combine(ScriptsDirectory, "commands.txt")))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            commands.Add(Split(line.Replace("{scripts}", ScriptsDirectory, StringComparison.Ordinal)));
        }
        return commands;
    }

    /// <summary>Splits on spaces; "double quotes" group one argument (no escapes: no command needs them).</summary>
    private static List<string> Split(string line)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == ' ' && !quoted)
            {
                if (any)
                    arguments.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }
        if (any)
            arguments.Add(current.ToString());
        return arguments;
    }
}
