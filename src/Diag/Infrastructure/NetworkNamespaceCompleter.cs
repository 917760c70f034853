using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Diag.Commands.Infrastructure;

/// <summary>Completes -NetworkNamespace with All and the ip netns names (/run/netns).</summary>
public sealed class NetworkNamespaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        IEnumerable<string> names;
        try
        {
            names = Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            names = [];
        }
        foreach (var name in new[] { "All" }.Concat(names).Where(pattern.IsMatch))
            yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name == "All" ? "every network namespace" : $"ip netns {name}");
    }
}
