using System.Collections;
using System.Management.Automation;

namespace Diag.Commands.Infrastructure;

/// <summary>
/// Lets -Path take Get-Command's output whole: a program is its Path, an alias the program it stands for (ll for ls).
/// A cmdlet, function or alias of one is refused by name; otherwise its name would be looked up as a file in the
/// current directory and reported as missing there.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class CommandPathAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is IEnumerable list and not string)
        {
            var items = list.Cast<object?>().ToList();
            return items.Any(i => (i is PSObject p ? p.BaseObject : i) is CommandInfo) ? items.Select(One).ToArray() : inputData;
        }
        return One(inputData);
    }

    private static object? One(object? item) => (item is PSObject p ? p.BaseObject : item) switch
    {
        ApplicationInfo program => program.Path,
        AliasInfo { ResolvedCommand: ApplicationInfo program } => program.Path,
        AliasInfo alias => throw NotAFile(alias.ResolvedCommand ?? alias, alias.Name),
        CommandInfo command => throw NotAFile(command, command.Name),
        _ => item,
    };

    private static ArgumentTransformationMetadataException NotAFile(CommandInfo command, string given)
    {
        var what = command.CommandType.ToString().ToLowerInvariant();
        var module = string.IsNullOrEmpty(command.ModuleName) ? "" : $" of module {command.ModuleName}";
        var name = given == command.Name ? given : $"{given} ({command.Name})";
        return new ArgumentTransformationMetadataException(
            $"{name} is a PowerShell {what}{module}, not a program file: no package owns it. " +
            $"Get-Command {given} -CommandType Application -All | Get-FileOrigin looks up the programs of that name on PATH.");
    }
}
