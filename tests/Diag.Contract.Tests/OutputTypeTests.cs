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
        // arrives as a string. Arrays of small records are allowed one level down.
        foreach (var property in Resolve(typeName).GetProperties())
            Assert.True(IsSimple(property.PropertyType, allowRecordArray: true), $"{typeName}.{property.Name} ({property.PropertyType}) does not serialize");
    }

    [Theory, MemberData(nameof(OutputTypes))]
    public void NestedDiagObjectsAreSerializedDeepEnough(string typeName)
    {
        // A NetworkAddress or an ItemList arrives as its text at remoting's default depth of 1: the owning type needs a
        // SerializationDepth of 2 in a module/*.types.ps1xml (Start-Job then brings Address and Family, and the items).
        var nested = Resolve(typeName).GetProperties().Where(p => IsDiagConvention(p.PropertyType)).Select(p => p.Name).ToList();
        if (nested.Count == 0) return;
        var depth = Directory.GetFiles(Path.Combine(ModuleFiles.RepoRoot, "module"), "*.types.ps1xml")
            .SelectMany(f => System.Xml.Linq.XDocument.Load(f).Descendants("Type"))
            .Where(t => t.Element("Name")?.Value == typeName)
            .SelectMany(t => t.Descendants("NoteProperty"))
            .Where(n => n.Element("Name")?.Value == "SerializationDepth")
            .Select(n => int.Parse(n.Element("Value")!.Value))
            .DefaultIfEmpty(1).Max();
        Assert.True(depth >= 2, $"{typeName} has {string.Join(", ", nested)} but a SerializationDepth of {depth}: add 2 in a module/*.types.ps1xml");
    }

    /// <summary>Diag's own output conventions (Diag.Linux.Output): addresses and lists of simple items.</summary>
    private static bool IsDiagConvention(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(Diag.Linux.Output.NetworkAddress)) return true;
        return t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Diag.Linux.Output.ItemList<>)
            && (IsSimple(t.GetGenericArguments()[0], false) || t.GetGenericArguments()[0] == typeof(Diag.Linux.Output.NetworkAddress));
    }

    private static bool IsSimple(Type t, bool allowRecordArray)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        // NetworkAddress and ItemList survive when the owning type is serialized deep enough (checked above).
        if (allowRecordArray && IsDiagConvention(t)) return true;
        if (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(DateTime) || t == typeof(TimeSpan) || t == typeof(decimal) || t == typeof(Guid))
            return true;
        // PowerShell's own type data rebuilds an IPAddress on the receiving side (a Deserialized.System.Net.IPAddress
        // becomes an IPAddress again); the cmdlet tests check it after Start-Job.
        if (t == typeof(System.Net.IPAddress)) return true;
        if (t.IsArray && allowRecordArray)
        {
            var element = t.GetElementType()!;
            return IsSimple(element, false) || (element.IsSealed && element.GetProperties().All(p => IsSimple(p.PropertyType, false)));
        }
        return false;
    }
}
