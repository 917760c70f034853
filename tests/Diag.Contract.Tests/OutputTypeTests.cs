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
        // Remoting keeps primitives, strings, DateTime, TimeSpan, enums and arrays of them; anything deeper
        // arrives as a string. Arrays (or ItemLists) of small sealed classes are allowed one level down.
        foreach (var property in Resolve(typeName).GetProperties())
            Assert.True(IsSimple(property.PropertyType, allowRecordArray: true), $"{typeName}.{property.Name} ({property.PropertyType}) does not serialize");
    }

    [Theory, MemberData(nameof(OutputTypes))]
    public void NestedObjectsComeBackAsObjects(string typeName)
    {
        // Start-Job and Invoke-Command serialize one level deep unless the type asks for more: a list of objects or
        // an address would arrive as text. Types with such properties need a SerializationDepth in module/*.types.ps1xml.
        var type = Resolve(typeName);
        int depth = Nesting(type);
        if (depth <= 1) return;
        var declared = Directory.GetFiles(Path.Combine(ModuleFiles.RepoRoot, "module"), "*.types.ps1xml")
            .SelectMany(f => System.Xml.Linq.XDocument.Load(f).Descendants("Type"))
            .Where(t => t.Element("Name")?.Value == typeName)
            .SelectMany(t => t.Descendants("NoteProperty"))
            .Where(n => n.Element("Name")?.Value == "SerializationDepth")
            .Select(n => int.Parse(n.Element("Value")!.Value))
            .DefaultIfEmpty(1).Max();
        Assert.True(declared >= depth, $"{typeName} nests objects {depth} levels deep: give it a SerializationDepth of at least {depth} in a module/*.types.ps1xml (it has {declared})");
    }

    /// <summary>How many levels of objects a type's properties hold (1: only simple values).</summary>
    private static int Nesting(Type type, int level = 1)
    {
        if (level > 4) return level;
        int deepest = level;
        foreach (var property in type.GetProperties())
        {
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t == typeof(Diag.Linux.Output.NetworkAddress)) deepest = Math.Max(deepest, level + 1);
            else if (ItemType(t) is { } item)
                deepest = Math.Max(deepest, IsSimple(item, false) ? level + 1 : Nesting(item, level + 1));
        }
        return deepest;
    }

    private static Type? ItemType(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Diag.Linux.Output.ItemList<>) ? t.GetGenericArguments()[0] : null;

    private static bool IsSimple(Type t, bool allowRecordArray)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(DateTime) || t == typeof(TimeSpan) || t == typeof(decimal) || t == typeof(Guid))
            return true;
        // PowerShell's own type data rebuilds an IPAddress on the receiving side (a Deserialized.System.Net.IPAddress
        // becomes an IPAddress again); the cmdlet tests check it after Start-Job. Diag's NetworkAddress is rebuilt by
        // module/Diag.Output.types.ps1xml (TargetTypeForDeserialization).
        if (t == typeof(System.Net.IPAddress) || t == typeof(Diag.Linux.Output.NetworkAddress)) return true;
        var element = t.IsArray ? t.GetElementType() : ItemType(t);
        if (element is not null && allowRecordArray)
            return IsSimple(element, false) || (element.IsSealed && element.GetProperties().All(p => IsSimple(p.PropertyType, false)));
        return false;
    }
}
