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

    private static bool IsSimple(Type t, bool allowRecordArray)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(DateTime) || t == typeof(TimeSpan) || t == typeof(decimal) || t == typeof(Guid))
            return true;
        // PowerShell's own type data rebuilds an IPAddress on the receiving side (a Deserialized.System.Net.IPAddress
        // becomes an IPAddress again); the cmdlet tests check it after Start-Job.
        if (t == typeof(System.Net.IPAddress)) return true;
        // An ItemList (Diag's list type) travels as an array does (main's version of this test generalizes it).
        var isList = t.IsArray || t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Diag.Linux.Output.ItemList<>);
        if (isList && allowRecordArray)
        {
            var element = t.IsArray ? t.GetElementType()! : t.GetGenericArguments()[0];
            return IsSimple(element, false) || (element.IsSealed && element.GetProperties().All(p => IsSimple(p.PropertyType, false)));
        }
        return false;
    }
}
