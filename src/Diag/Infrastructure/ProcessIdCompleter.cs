using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Diag.Linux.ProcFs;

namespace Diag.Commands.Infrastructure;

/// <summary>Tab completion for <c>-Id</c>: the running processes whose PID starts with what was typed,
/// each shown with its name, as Get-Process -Id completes.</summary>
public sealed class ProcessIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (var process in ProcessList.Read())
        {
            var id = process.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (id.StartsWith(prefix, StringComparison.Ordinal))
                yield return new CompletionResult(id, $"{id} {process.Name}", CompletionResultType.ParameterValue, $"{process.Name} ({id})");
        }
    }
}

/// <summary>Tab completion for <c>-Name</c>: the names of running processes, as Get-Process -Name completes.</summary>
public sealed class ProcessNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        foreach (var name in ProcessList.Read().Select(p => p.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase))
        {
            if (!pattern.IsMatch(name)) continue;
            var text = name.Any(char.IsWhiteSpace) || name.IndexOfAny(['\'', '(', ')', '$', ';']) >= 0 ? "'" + name.Replace("'", "''") + "'" : name;
            yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
        }
    }
}
