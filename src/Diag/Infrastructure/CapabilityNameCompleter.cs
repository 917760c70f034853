using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Diag.Linux.Privileges;

namespace Diag.Commands.Infrastructure;

/// <summary>Tab completion for <c>-Capability</c>: getcap's names (cap_net_raw), also matched without the cap_ prefix.</summary>
public sealed class CapabilityNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (var name in ProcessCapabilityReader.CapabilityNames)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || name[4..].StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
        }
    }
}
