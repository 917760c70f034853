using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Diag.Linux.Syscalls;

namespace Diag.Commands.Infrastructure;

/// <summary>Tab completion for <c>-Syscall</c>: syscall names from the table, then the class names.</summary>
public sealed class SyscallNameCompleter : IArgumentCompleter
{
    private static readonly string[] ClassNames = ["%file", "%network", "%memory", "%process", "%signal", "%ipc", "%desc", "%clock", "%creds"];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        foreach (var name in SyscallTable.Names.Concat(ClassNames))
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
        }
    }
}
