using System.Xml.Linq;

namespace Diag.Contract.Tests;

public class FormatViewTests
{
    private static IEnumerable<XElement> Views =>
        ModuleFiles.FormatFiles.SelectMany(f => XDocument.Load(f).Descendants("View"));

    public static TheoryData<string> OutputTypes =>
        new(CmdletMetadata.All.SelectMany(c => c.OutputTypes).Where(t => t.Namespace?.StartsWith("Diag") == true).Select(t => t.FullName!).Distinct());

    [Theory, MemberData(nameof(OutputTypes))]
    public void EveryOutputTypeHasATableView(string typeName) =>
        Assert.Contains(Views, v => v.Element("ViewSelectedBy")?.Elements("TypeName").Any(t => t.Value == typeName) == true
                                    && v.Element("TableControl") is not null);

    [Fact]
    public void ViewsOnlyNameRealProperties()
    {
        var engine = typeof(Diag.Linux.Interop.Errno).Assembly;
        foreach (var view in Views)
        {
            var viewTypes = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value).ToList();
            // A row entry with EntrySelectedBy formats only those types (a summary's table that also holds other rows);
            // the entry without it, the view's other types.
            var entries = view.Descendants("TableRowEntry").ToList();
            var claimed = entries.SelectMany(EntryTypes).ToHashSet();
            var parts = entries.Count == 0
                ? [(Types: viewTypes, Scope: view)]
                : entries.Select(e => (Types: EntryTypes(e).Any() ? EntryTypes(e).ToList() : viewTypes.Where(t => !claimed.Contains(t)).ToList(), Scope: e)).ToList();
            foreach (var (types, scope) in parts)
            {
                foreach (var typeName in types)
                {
                    // "Type#Tag" names a view for objects the cmdlet tags (PSObject.TypeNames); the properties are the type's.
                    var type = engine.GetType(typeName.Split('#')[0].Replace("Deserialized.", "", StringComparison.Ordinal));
                    Assert.True(type is not null, $"view {view.Element("Name")?.Value} names unknown type {typeName}");
                    foreach (var property in scope.Descendants("PropertyName").Select(p => p.Value))
                    {
                        // Remoting adds PSComputerName to what comes back from Invoke-Command (Deserialized.*).
                        if (property == "PSComputerName" && typeName.StartsWith("Deserialized.", StringComparison.Ordinal)) continue;
                        Assert.True(type!.GetProperty(property) is not null, $"view of {typeName} names missing property {property}");
                    }
                }
            }
        }
    }

    private static IEnumerable<string> EntryTypes(XElement entry) =>
        entry.Element("EntrySelectedBy")?.Elements("TypeName").Select(t => t.Value) ?? [];

    [Theory, MemberData(nameof(OutputTypes))]
    public void RemotedObjectsGetTheSameView(string typeName) =>
        // Invoke-Command -HostName web1 { Get-ThreadCpu } returns Deserialized.* objects.
        Assert.Contains(Views, v => v.Element("ViewSelectedBy")?.Elements("TypeName").Any(t => t.Value == "Deserialized." + typeName) == true);

    [Theory, MemberData(nameof(OutputTypes))]
    public void RemotedObjectsHaveAFleetViewWithTheHostFirst(string typeName)
    {
        // Invoke-Command -HostName web1, web2 { ... } | Format-Table -View Fleet: which host said it comes first.
        var fleet = Views.Where(v => v.Element("Name")?.Value == "Fleet"
                                     && v.Element("ViewSelectedBy")?.Elements("TypeName").Any(t => t.Value == "Deserialized." + typeName) == true).ToList();
        Assert.True(fleet.Count > 0, $"{typeName} has no Fleet view for its remoted objects (module/*.format.ps1xml)");
        foreach (var view in fleet)
        {
            var first = view.Descendants("TableColumnItems").Select(items => items.Elements("TableColumnItem").FirstOrDefault()).OfType<XElement>().ToList();
            Assert.NotEmpty(first);
            Assert.All(first, item => Assert.Contains("PSComputerName", item.Value, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TableHeadersMatchColumns()
    {
        foreach (var table in Views.Select(v => v.Element("TableControl")).OfType<XElement>())
        {
            var headers = table.Element("TableHeaders")!.Elements("TableColumnHeader").Count();
            foreach (var items in table.Descendants("TableColumnItems"))
                Assert.Equal(headers, items.Elements("TableColumnItem").Count());
        }
    }
}
