using System.Xml.Linq;

namespace Diag.Contract.Tests;

public class HelpTests
{
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static TheoryData<string> Cmdlets => CmdletContractTests.Cmdlets;

    private static XElement HelpOf(string name)
    {
        var help = ModuleFiles.HelpDocument.Root!.Elements(Command + "command")
            .SingleOrDefault(c => c.Element(Command + "details")?.Element(Command + "name")?.Value.Trim() == name);
        Assert.True(help is not null, $"en-US/Diag.dll-Help.xml has no help for {name}");
        return help!;
    }

    private static string Text(XElement? e) => string.Join(" ", e?.Descendants(Maml + "para").Select(p => p.Value.Trim()) ?? []).Trim();

    [Theory, MemberData(nameof(Cmdlets))]
    public void HasSynopsisAndDescription(string name)
    {
        var help = HelpOf(name);
        Assert.NotEmpty(Text(help.Element(Command + "details")!.Element(Maml + "description")));
        Assert.True(Text(help.Element(Maml + "description")).Length > 100, $"{name}: the description says too little");
    }

    [Theory, MemberData(nameof(Cmdlets))]
    public void DescribesEveryPublicParameter(string name)
    {
        var described = HelpOf(name).Element(Command + "parameters")!.Elements(Command + "parameter")
            .ToDictionary(p => p.Element(Maml + "name")!.Value.Trim(), p => Text(p.Element(Maml + "description")));
        foreach (var p in CmdletMetadata.Get(name).Parameters)
        {
            Assert.True(described.TryGetValue(p.Name, out var text), $"{name} -{p.Name} has no help");
            Assert.True(text!.Length > 20, $"{name} -{p.Name}: help text too short");
        }
        foreach (var helpOnly in described.Keys.Except(CmdletMetadata.Get(name).Parameters.Select(p => p.Name)))
            Assert.Fail($"{name} help describes -{helpOnly}, which does not exist");
    }

    [Theory, MemberData(nameof(Cmdlets))]
    public void HasAtLeastTwoExamplesWithCodeAndExplanation(string name)
    {
        var examples = HelpOf(name).Element(Command + "examples")?.Elements(Command + "example").ToList() ?? [];
        Assert.True(examples.Count >= 2, $"{name} has {examples.Count} examples");
        foreach (var example in examples)
        {
            Assert.Contains(name, example.Element(Dev + "code")?.Value ?? "");
            Assert.NotEmpty(Text(example.Element(Dev + "remarks")));
        }
    }

    [Theory, MemberData(nameof(Cmdlets))]
    public void SyntaxNamesOnlyRealParameters(string name)
    {
        var real = CmdletMetadata.Get(name).Parameters.Select(p => p.Name).ToHashSet();
        var syntax = HelpOf(name).Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.NotEmpty(syntax);
        foreach (var p in syntax.SelectMany(s => s.Elements(Command + "parameter")))
            Assert.Contains(p.Element(Maml + "name")!.Value.Trim(), real);
    }

    [Fact]
    public void AboutTopicExplainsTheModule()
    {
        var about = File.ReadAllText(Path.Combine(ModuleFiles.RepoRoot, "en-US", "about_Diag.help.txt"));
        Assert.Contains("about_Diag", about);
        foreach (var cmdlet in CmdletMetadata.All) Assert.Contains(cmdlet.Name, about);
    }
}
