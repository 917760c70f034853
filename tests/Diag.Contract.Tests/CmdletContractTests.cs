using System.Management.Automation;

namespace Diag.Contract.Tests;

public class CmdletContractTests
{
    public static TheoryData<string> Cmdlets => new(CmdletMetadata.All.Select(c => c.Name));

    private static readonly HashSet<string> ApprovedVerbs = new[]
        {
            typeof(VerbsCommon), typeof(VerbsCommunications), typeof(VerbsData), typeof(VerbsDiagnostic),
            typeof(VerbsLifecycle), typeof(VerbsOther), typeof(VerbsSecurity),
        }
        .SelectMany(t => t.GetFields()).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void TheAssemblyHasCmdlets() => Assert.NotEmpty(CmdletMetadata.All);

    [Theory, MemberData(nameof(Cmdlets))]
    public void UsesAnApprovedVerbAndASingularNoun(string name)
    {
        var cmdlet = CmdletMetadata.Get(name);
        Assert.Contains(cmdlet.Verb, ApprovedVerbs);
        Assert.False(cmdlet.Noun.EndsWith('s') && !cmdlet.Noun.EndsWith("ss"), $"{name}: nouns are singular");
    }

    [Theory, MemberData(nameof(Cmdlets))]
    public void DeclaresItsOutputTypes(string name) => Assert.NotEmpty(CmdletMetadata.Get(name).OutputTypes);

    [Theory, MemberData(nameof(Cmdlets))]
    public void DerivesFromTheCancellableBase(string name) =>
        Assert.True(typeof(Diag.Commands.Infrastructure.DiagCmdlet).IsAssignableFrom(CmdletMetadata.Get(name).Type),
            $"{name} must derive from DiagCmdlet so that Ctrl+C cancels its work");

    [Theory, MemberData(nameof(Cmdlets))]
    public void DurationParametersAcceptBareSeconds(string name)
    {
        // PowerShell turns `-Interval 5` into five ticks unless the parameter transforms it.
        foreach (var p in CmdletMetadata.Get(name).Parameters.Where(p => p.Type == typeof(TimeSpan) || p.Type == typeof(TimeSpan?)))
        {
            Assert.True(CmdletMetadata.Attribute<Diag.Commands.Infrastructure.SecondsOrTimeSpanAttribute>(p.Property) is not null,
                $"{name} -{p.Name} is a TimeSpan without [SecondsOrTimeSpan]");
        }
    }

    [Theory, MemberData(nameof(Cmdlets))]
    public void ProcessIdParametersUseTheConventionalNames(string name)
    {
        foreach (var p in CmdletMetadata.Get(name).Parameters.Where(p => p.Name == "Id"))
        {
            Assert.Contains("ProcessId", p.Aliases);
            Assert.Contains("Pid", p.Aliases);
            Assert.True(p.FromPipelineByPropertyName, $"{name} -Id must bind by property name (Get-Process | {name})");
        }
    }

    /// <summary>What feeds what in the pipeline: the source's property must carry a name or alias
    /// of a by-property-name parameter of the cmdlet.</summary>
    public static TheoryData<string, string, string> PipelineFlows => new()
    {
        { "System.Diagnostics.Process", "Get-ThreadCpu", "Id" },
        { "System.Diagnostics.Process", "Trace-Syscall", "Id" },
        { "Diag.Linux.Threads.ThreadCpuSample", "Trace-Syscall", "ThreadId" },
        { "System.Diagnostics.Process", "Get-PipePeer", "Id" },
        { "Diag.Linux.Pipes.PipeEndpoint", "Trace-Syscall", "Id" },
        { "System.Diagnostics.Process", "Get-ThreadStack", "Id" },
        { "Diag.Linux.Threads.ThreadCpuSample", "Get-ThreadStack", "Id" },
        { "Diag.Linux.Threads.ThreadCpuSample", "Get-ThreadStack", "ThreadId" },
    };

    [Theory, MemberData(nameof(PipelineFlows))]
    public void OutputFeedsTheNextCmdletByPropertyName(string sourceTypeName, string cmdletName, string parameterName)
    {
        var source = Type.GetType(sourceTypeName + ", System.Diagnostics.Process")
                     ?? typeof(Diag.Linux.Interop.Errno).Assembly.GetType(sourceTypeName)
                     ?? throw new InvalidOperationException("no type " + sourceTypeName);
        var parameter = CmdletMetadata.Get(cmdletName).Parameters.Single(p => p.Name == parameterName);
        Assert.True(parameter.FromPipelineByPropertyName, $"{cmdletName} -{parameterName} does not bind by property name");
        Assert.Contains(parameter.NamesAndAliases, n => source.GetProperty(n) is not null);
    }

    [Theory, MemberData(nameof(Cmdlets))]
    public void EveryByPropertyNameParameterMatchesAnUpstreamProperty(string name)
    {
        var upstream = CmdletMetadata.All.SelectMany(c => c.OutputTypes).Append(typeof(System.Diagnostics.Process)).ToList();
        foreach (var p in CmdletMetadata.Get(name).Parameters.Where(p => p.FromPipelineByPropertyName))
        {
            // Every provider item (Get-ChildItem output) carries PSPath as a note property, not a CLR one.
            if (p.NamesAndAliases.Contains("PSPath")) continue;
            Assert.True(upstream.Any(t => p.NamesAndAliases.Any(n => t.GetProperty(n) is not null)),
                $"{name} -{p.Name} binds by property name but no Diag output type or Process has a property {string.Join("/", p.NamesAndAliases)}");
        }
    }
}
