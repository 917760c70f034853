namespace Diag.Contract.Tests;

public class OutputTypeTests
{
    public static TheoryData<string> OutputTypes => FormatViewTests.OutputTypes;

    private static Type Resolve(string name) => typeof(Diag.Linux.Interop.Errno).Assembly.GetType(name)!;

    [Theory, MemberData(nameof(OutputTypes))]
    public void IsAnImmutableSealedClassWithAReadableToString(string typeName)
    {
        var type = Resolve(typeName);
        Assert.True(type.IsSealed, $"{typeName} must be sealed");
        // A C# record shows PowerShell a <Clone>$ method, settable init properties and "Type { ... }" text.
        Assert.Null(type.GetMethod("<Clone>$"));
        Assert.Null(type.GetProperty("EqualityContract", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance));
        foreach (var property in type.GetProperties())
        {
            var setter = property.SetMethod;
            Assert.True(setter is null || !setter.IsPublic, $"{typeName}.{property.Name} has a public setter (init counts: PowerShell shows it as settable)");
        }
        Assert.Equal(type, type.GetMethod(nameof(ToString), Type.EmptyTypes)!.DeclaringType);
    }

    [Theory, MemberData(nameof(OutputTypes))]
    public void SurvivesRemotingSerialization(string typeName)
    {
        // Remoting keeps primitives, strings, DateTime, TimeSpan, enums and lists of them; Diag objects nested in a
        // property (or in a list property) come back as objects only as deep as the type's SerializationDepth
        // (module/*.types.ps1xml): without one, one level, and a nested object arrives as its text.
        var type = Resolve(typeName);
        var depth = NestingDepth(type, 0);
        foreach (var property in type.GetProperties())
            Assert.True(IsSerializable(property.PropertyType), $"{typeName}.{property.Name} ({property.PropertyType}) does not serialize");
        if (depth > 0)
            Assert.True(SerializationDepth(typeName) > depth,
                $"{typeName} holds Diag objects {depth} level(s) down: give it a SerializationDepth above {depth} in module/*.types.ps1xml");
    }

    /// <summary>How many levels of Diag objects a type holds below itself (0: only simple values).</summary>
    private static int NestingDepth(Type type, int level)
    {
        if (level > 4) return level;
        var deepest = 0;
        foreach (var property in type.GetProperties())
        {
            var t = Element(property.PropertyType);
            if (IsDiagObject(t)) deepest = Math.Max(deepest, 1 + NestingDepth(t, level + 1));
        }
        return deepest;
    }

    private static bool IsSerializable(Type t)
    {
        t = Element(t);
        return IsSimple(t) || IsDiagObject(t) && t.GetProperties().All(p => IsSerializable(p.PropertyType));
    }

    private static bool IsSimple(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        // PowerShell's own type data rebuilds an IPAddress on the receiving side. (A NetworkAddress is a Diag object: it
        // is rebuilt by Diag's type data, Diag.Output.types.ps1xml, once the depth lets it travel as an object.)
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(DateTime) || t == typeof(TimeSpan) || t == typeof(decimal)
               || t == typeof(Guid) || t == typeof(System.Net.IPAddress);
    }

    private static bool IsDiagObject(Type t) => t.IsClass && t.IsSealed && t.Namespace?.StartsWith("Diag.", StringComparison.Ordinal) == true && !IsSimple(t);

    /// <summary>The element type of an array or list property (ItemList, IReadOnlyList), or the type itself.</summary>
    private static Type Element(Type t)
    {
        if (t.IsArray) return t.GetElementType()!;
        if (t.IsGenericType && t.GetGenericArguments() is [var element]
            && (t.GetGenericTypeDefinition() == typeof(Diag.Linux.Output.ItemList<>) || t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)))
            return element;
        return Nullable.GetUnderlyingType(t) ?? t;
    }

    private static int SerializationDepth(string typeName)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(ModuleFiles.RepoRoot, "module"), "*.types.ps1xml"))
        {
            var type = System.Xml.Linq.XDocument.Load(file).Descendants("Type").FirstOrDefault(t => t.Element("Name")?.Value == typeName);
            var depth = type?.Descendants("NoteProperty").FirstOrDefault(n => n.Element("Name")?.Value == "SerializationDepth")?.Element("Value")?.Value;
            if (depth is not null) return int.Parse(depth, System.Globalization.CultureInfo.InvariantCulture);
        }
        return 1;
    }
}
