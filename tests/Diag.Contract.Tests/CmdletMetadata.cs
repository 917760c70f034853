using System.Management.Automation;
using System.Reflection;

namespace Diag.Contract.Tests;

/// <summary>
/// What PowerShell would read off a cmdlet class. PowerShellStandard.Library's attribute classes
/// have stub bodies, so values come from metadata (<see cref="CustomAttributeData"/>), which holds
/// exactly what the compiler wrote.
/// </summary>
internal sealed record CmdletMetadata(Type Type, string Verb, string Noun, IReadOnlyList<Type> OutputTypes, IReadOnlyList<ParameterMetadata> Parameters)
{
    public string Name => Verb + "-" + Noun;

    public static IReadOnlyList<CmdletMetadata> All { get; } = ModuleFiles.CmdletAssembly.GetTypes()
        .Where(t => t.IsPublic && !t.IsAbstract && Attribute<CmdletAttribute>(t) is not null)
        .Select(Read).OrderBy(c => c.Name).ToList();

    public static CmdletMetadata Get(string name) => All.Single(c => c.Name == name);

    private static CmdletMetadata Read(Type type)
    {
        var cmdlet = Attribute<CmdletAttribute>(type)!;
        var outputs = type.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(OutputTypeAttribute))
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IReadOnlyCollection<CustomAttributeTypedArgument> many ? many.Select(x => x.Value) : new[] { arg.Value })
            .OfType<Type>().ToList();
        var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(ParameterMetadata.TryRead).OfType<ParameterMetadata>().ToList();
        return new CmdletMetadata(type, (string)cmdlet.ConstructorArguments[0].Value!, (string)cmdlet.ConstructorArguments[1].Value!, outputs, parameters);
    }

    internal static CustomAttributeData? Attribute<T>(MemberInfo member) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(T));

    internal static T? Named<T>(CustomAttributeData attribute, string name) =>
        attribute.NamedArguments.Where(n => n.MemberName == name).Select(n => (T?)n.TypedValue.Value).FirstOrDefault();
}

/// <summary>One [Parameter] property: its sets, pipeline binding, aliases.</summary>
internal sealed record ParameterMetadata(PropertyInfo Property, IReadOnlyList<string> Aliases, IReadOnlyList<string> ParameterSets,
    bool FromPipeline, bool FromPipelineByPropertyName, bool Mandatory, bool Wildcards)
{
    public string Name => Property.Name;
    public Type Type => Property.PropertyType;

    public IEnumerable<string> NamesAndAliases => Aliases.Prepend(Name);

    public static ParameterMetadata? TryRead(PropertyInfo property)
    {
        var parameterAttributes = property.GetCustomAttributesData().Where(a => a.AttributeType == typeof(ParameterAttribute)).ToList();
        if (parameterAttributes.Count == 0) return null;
        var aliases = property.GetCustomAttributesData().Where(a => a.AttributeType == typeof(AliasAttribute))
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IReadOnlyCollection<CustomAttributeTypedArgument> many ? many.Select(x => (string)x.Value!) : new[] { (string)arg.Value! })
            .ToList();
        return new ParameterMetadata(property, aliases,
            parameterAttributes.Select(a => CmdletMetadata.Named<string>(a, "ParameterSetName") ?? "__AllParameterSets").ToList(),
            parameterAttributes.Any(a => CmdletMetadata.Named<bool>(a, "ValueFromPipeline")),
            parameterAttributes.Any(a => CmdletMetadata.Named<bool>(a, "ValueFromPipelineByPropertyName")),
            parameterAttributes.Any(a => CmdletMetadata.Named<bool>(a, "Mandatory")),
            CmdletMetadata.Attribute<SupportsWildcardsAttribute>(property) is not null);
    }
}
