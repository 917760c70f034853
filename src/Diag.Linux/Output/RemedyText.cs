namespace Diag.Linux.Output;

/// <summary>
/// A remedy as steps a person can copy one at a time: the text split at "; " between commands and ", or " between
/// alternatives, and a "(lasting: …)" aside made a step of its own. Views print each step on its own line, because PowerShell wraps a
/// table cell at any character under the C and POSIX locales (its word wrap is for English, French, German, Italian,
/// Portuguese and Spanish cultures only), which cut commands in two at 80 columns.
/// </summary>
public static class RemedyText
{
    public static IReadOnlyList<string> Steps(string remedy)
    {
        var steps = new List<string>();
        foreach (var part in remedy.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "sysctl -w x=1 (lasting: x=1 in /etc/sysctl.d/60-core.conf)" → the command, then the lasting setting.
            var aside = part.IndexOf(" (lasting: ", StringComparison.Ordinal);
            if (aside > 0 && part.EndsWith(')'))
            {
                steps.Add(part[..aside]);
                steps.Add(part[(aside + 2)..^1]);
                continue;
            }
            // "X, or Y": two ways, each a step ("or Y").
            var alternatives = part.Split(", or ", StringSplitOptions.RemoveEmptyEntries);
            steps.Add(alternatives[0]);
            steps.AddRange(alternatives.Skip(1).Select(a => "or " + a));
        }
        return steps;
    }
}
