using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Diag.Linux.PacketDrops;

namespace Diag.Commands.Infrastructure;

/// <summary>Tab completion for <c>-Reason</c> and <c>-ExcludeReason</c>: the running kernel's drop reasons.</summary>
public sealed class DropReasonCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IReadOnlyList<string> names;
        try
        {
            names = DropReasons.Running().Names;
        }
        catch (DropWatchException)
        {
            yield break;
        }
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (var name in names)
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
    }
}
