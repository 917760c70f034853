using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.Interop;
using Diag.Linux.Neighbors;

namespace Diag.Commands;

/// <summary>
/// Get-NetNeighbor: the neighbour (ARP/NDP) table as <c>ip neigh</c> reads it over rtnetlink, with Windows
/// PowerShell's property names and a diagnosis per entry (connects waiting for or failing resolution); with
/// -Statistics, the tables as <c>ip -s ntable</c> shows them. The caller's network namespace unless
/// -NetworkNamespace names others.
/// </summary>
[Cmdlet(VerbsCommon.Get, "NetNeighbor", DefaultParameterSetName = EntriesSet)]
[OutputType(typeof(NetNeighbor), ParameterSetName = [EntriesSet])]
[OutputType(typeof(NeighborTableStatistics), ParameterSetName = [StatisticsSet])]
public sealed class GetNetNeighborCommand : DiagCmdlet
{
    private const string EntriesSet = "Entries", StatisticsSet = "Statistics";
    private readonly List<string> _addresses = new();
    private bool _addressesGiven;

    /// <summary>Addresses or prefixes (10.0.0.5, 10.0.0.0/24, fe80::1).</summary>
    [Parameter(ParameterSetName = EntriesSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] IPAddress { get; set; } = [];

    /// <summary>Interface names; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [Alias("ifAlias")]
    public string[] InterfaceAlias { get; set; } = [];

    /// <summary>Interface indexes.</summary>
    [Parameter]
    [Alias("ifIndex")]
    public int[] InterfaceIndex { get; set; } = [];

    /// <summary>IPv4 (ARP) or IPv6 (NDP).</summary>
    [Parameter]
    [ValidateSet("IPv4", "IPv6")]
    public string? AddressFamily { get; set; }

    /// <summary>Entries in these states only. Without it, every state but NoArp, as ip neigh.</summary>
    [Parameter(ParameterSetName = EntriesSet)]
    public NeighborState[] State { get; set; } = [];

    /// <summary>Network namespaces: an inode, net:[N], an ip netns name, a namespace file's path, or All.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(NetworkNamespaceCompleter))]
    public string[] NetworkNamespace { get; set; } = [];

    /// <summary>The neighbour tables' sizes, thresholds, counters and interface settings instead of the entries.</summary>
    [Parameter(ParameterSetName = StatisticsSet, Mandatory = true)]
    public SwitchParameter Statistics { get; set; }

    protected override void ProcessRecord()
    {
        _addressesGiven |= IPAddress.Length > 0;
        foreach (var text in IPAddress)
        {
            if (NeighborQuery.TryParseAddress(text, out _, out _, out var problem)) _addresses.Add(text);
            else WriteDiagError(NeighborErrors.BadAddress(text, problem!));
        }
    }

    protected override void EndProcessing()
    {
        if (_addressesGiven && _addresses.Count == 0) return; // every address was invalid: listing all would answer another question
        var patterns = InterfaceAlias.Select(a => WildcardPattern.Get(a, WildcardOptions.IgnoreCase)).ToList();
        var query = new NeighborQuery
        {
            NetworkNamespaces = NetworkNamespace,
            Addresses = _addresses,
            States = State,
            InterfaceFilter = patterns.Count == 0 ? null : name => patterns.Any(p => p.IsMatch(name)),
            InterfaceIndexes = InterfaceIndex,
            AddressFamily = AddressFamily,
        };
        NeighborReading reading;
        try
        {
            reading = Statistics ? NeighborReader.ReadStatistics(query) : NeighborReader.Read(query);
        }
        catch (SyscallException e)
        {
            ThrowTerminatingError(ProcessErrors.ProcFsUnavailable(e));
            return;
        }
        foreach (var note in reading.Notes) WriteVerbose(note);
        if (Statistics) WriteObject(reading.Tables, enumerateCollection: true);
        else WriteObject(reading.Neighbors.OrderBy(n => n.InterfaceAlias, StringComparer.Ordinal).ThenBy(n => n.IPAddress), enumerateCollection: true);
        foreach (var problem in reading.Problems)
        {
            if (problem.Kind == NeighborProblemKind.NamespacesSkipped)
            {
                WriteWarning(NetworkNamespaceErrors.Skipped(int.Parse(problem.Detail, System.Globalization.CultureInfo.InvariantCulture), problem.Target, problem.Errno));
                continue;
            }
            WriteDiagError(problem.Kind switch
            {
                NeighborProblemKind.NamespaceNotFound => NetworkNamespaceErrors.NotFound(problem.Target, problem.Detail),
                NeighborProblemKind.NamespaceNotEntered => NetworkNamespaceErrors.NotEntered(problem.Target, problem.Errno),
                NeighborProblemKind.NoEntry => NeighborErrors.NoEntry(problem),
                _ => NeighborErrors.ReadFailed(problem),
            });
        }
    }
}
