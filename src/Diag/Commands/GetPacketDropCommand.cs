using System.Management.Automation;
using Diag.Commands.Infrastructure;
using Diag.Linux.PacketDrops;

namespace Diag.Commands;

/// <summary>
/// <para type="synopsis">Reports the packets the kernel drops: why (the kernel's reason, and the cause: a full conntrack table told from a firewall rule), where, and which packet.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "PacketDrop", DefaultParameterSetName = AllSet)]
[OutputType(typeof(PacketDrop), typeof(PacketDropSummary), typeof(PacketDropCounter))]
public sealed class GetPacketDropCommand : ProcessCmdlet
{
    private const string AllSet = "All";
    private const string ByFlowTypeName = "Diag.Linux.PacketDrops.PacketDropSummary#ByFlow";

    private readonly List<long> _namespaces = new();

    protected override string? WithoutProcessAlternative => "Without a process, Get-PacketDrop watches every network namespace (or those of -NetworkNamespace).";

    /// <summary>Only packets from or to these addresses or networks (CIDR: 10.0.0.0/8, 2001:db8::/32).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Address { get; set; }

    /// <summary>Only packets from or to these ports (TCP, UDP, SCTP, UDP-Lite).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, 65535)]
    public int[]? Port { get; set; }

    /// <summary>Only these IP protocols: Tcp, Udp, Icmp, IcmpV6, Sctp... or numbers.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public IpProtocol[]? Protocol { get; set; }

    /// <summary>Only these drop reasons, as the kernel names them (NETFILTER_DROP, NO_SOCKET, TCP_*); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DropReasonCompleter))]
    public string[]? Reason { get; set; }

    /// <summary>Never these reasons; by default NOT_DROPPED_YET, CONSUMED and NOT_SPECIFIED (frees that are not drops). -ExcludeReason @() shows every free.</summary>
    [Parameter]
    [SupportsWildcards]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(DropReasonCompleter))]
    public string[]? ExcludeReason { get; set; }

    /// <summary>Only these network namespaces, by inode (the NetworkNamespace property, ls -Li /proc/PID/ns/net). -Name, -Id or Get-Process input choose the namespaces of processes instead.</summary>
    [Parameter(ParameterSetName = AllSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, uint.MaxValue)]
    public long[]? NetworkNamespace { get; set; }

    /// <summary>Only packets on these interfaces (their name in their namespace); a trailing * matches a prefix (veth*).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Interface { get; set; }

    /// <summary>The kernel stack of each drop (with -Summary, a row per stack).</summary>
    [Parameter]
    public SwitchParameter Stack { get; set; }

    /// <summary>Count drops in the kernel and report one row per reason, cause, place and namespace, with the kernel's own counters over the same interval. Loses nothing at any rate.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>A summary with a row per flow (protocol, addresses, ports) and interface too; implies -Summary.</summary>
    [Parameter]
    public SwitchParameter ByFlow { get; set; }

    /// <summary>With -Summary: report every interval (a bare number is seconds) instead of once at the end.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan? Interval { get; set; }

    /// <summary>How long to watch; a bare number is seconds. Without it: until Ctrl+C, -Count, or Select-Object -First.</summary>
    [Parameter]
    [SecondsOrTimeSpan]
    public TimeSpan? Duration { get; set; }

    /// <summary>Stop after this many drops.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    protected override void BeginProcessing()
    {
        if (Duration is { } d && d <= TimeSpan.Zero) ThrowTerminatingError(ParameterErrors.NotPositive(nameof(Duration), d).ToErrorRecord());
        if (Interval is { } i && i <= TimeSpan.Zero) ThrowTerminatingError(ParameterErrors.NotPositive(nameof(Interval), i).ToErrorRecord());
        if (Count is not null && (Summary || ByFlow)) ThrowTerminatingError(PacketDropErrors.CountWithSummary().ToErrorRecord());
        if (Interval is not null && !Summary && !ByFlow) ThrowTerminatingError(PacketDropErrors.IntervalWithoutSummary().ToErrorRecord());
    }

    protected override void ProcessRecord()
    {
        CollectProcesses();
        if (NetworkNamespace is { } inodes) _namespaces.AddRange(inodes);
    }

    protected override void EndProcessing()
    {
        if (!TryBuildFilter(out var filter)) return;
        var summary = Summary || ByFlow;
        var settings = new DropWatchSettings { Summary = summary, ByFlow = ByFlow, Stack = Stack, Duration = Duration, Count = Count, Interval = Interval };
        using var watch = new DropWatch(filter, settings);
        // A summary is written when the watch ends: Ctrl+C on a console ends the watch instead of the pipeline, as with strace -c.
        using var interrupt = summary ? ConsoleInterrupt.Capture() : null;
        try
        {
            foreach (var item in watch.Run(StopToken))
            {
                if (interrupt?.Pressed() == true) watch.RequestStop();
                Write(item, interrupt?.IsActive == true);
            }
            WriteProgress(new ProgressRecord(ProgressId, "Get-PacketDrop", "Done") { RecordType = ProgressRecordType.Completed });
        }
        catch (DropWatchException e)
        {
            ThrowTerminatingError(PacketDropErrors.CannotStart(e).ToErrorRecord());
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(PacketDropErrors.InvalidFilter(e, Interface).ToErrorRecord());
        }
    }

    private const int ProgressId = 1;

    private void Write(DropWatchItem item, bool ctrlCEndsIt)
    {
        switch (item.Kind)
        {
            case DropWatchItemKind.Drop:
                WriteObject(item.Drop);
                break;
            case DropWatchItemKind.Summary when ByFlow:
                var tagged = new PSObject(item.Summary);
                tagged.TypeNames.Insert(0, ByFlowTypeName);
                WriteObject(tagged);
                break;
            case DropWatchItemKind.Summary:
                WriteObject(item.Summary);
                break;
            case DropWatchItemKind.Counter:
                WriteObject(item.Counter);
                break;
            case DropWatchItemKind.Warning:
                WriteWarning(item.Message);
                break;
            case DropWatchItemKind.Verbose:
                WriteVerbose(item.Message);
                break;
            case DropWatchItemKind.Progress:
                var status = $"{item.DropsSoFar} drops{(Summary || ByFlow ? " counted" : "")}, {item.Elapsed:hh\\:mm\\:ss}{(Duration is { } d ? $" of {d:hh\\:mm\\:ss}" : "")}" +
                             (ctrlCEndsIt ? "; Ctrl+C ends it and reports" : "");
                var record = new ProgressRecord(ProgressId, "Get-PacketDrop", status);
                if (Duration is { } total) record.PercentComplete = (int)Math.Clamp(100 * item.Elapsed.Ticks / Math.Max(1, total.Ticks), 0, 100);
                WriteProgress(record);
                break;
        }
    }

    /// <summary>The filter from the parameters; false (after writing errors) when a value cannot be used.</summary>
    private bool TryBuildFilter(out DropFilter filter)
    {
        filter = new DropFilter();
        var addresses = new List<AddressPrefix>();
        foreach (var text in Address ?? [])
        {
            try
            {
                addresses.Add(AddressPrefix.Parse(text));
            }
            catch (FormatException e)
            {
                ThrowTerminatingError(PacketDropErrors.InvalidAddress(e, text).ToErrorRecord());
            }
        }
        DropReasons reasons;
        try
        {
            reasons = DropReasons.Running();
        }
        catch (DropWatchException e)
        {
            ThrowTerminatingError(PacketDropErrors.CannotStart(e).ToErrorRecord());
            return false;
        }
        var included = Expand(Reason, reasons, mustMatch: true);
        var excluded = MyInvocation.BoundParameters.ContainsKey(nameof(ExcludeReason)) ? Expand(ExcludeReason, reasons, mustMatch: true) : DropReasons.NotDrops;
        var namespaces = _namespaces.Select(n => (uint)n).ToList();
        if (SelectsProcesses)
        {
            foreach (var pid in ResolveProcesses())
            {
                if (DropWatch.NetworkNamespaceOf(pid) is { } inode) namespaces.Add(inode);
                else if (!SkipIfExitedSinceNameMatch(pid, "its network namespace was read")) WriteDiagError(PacketDropErrors.NoNamespace(pid));
            }
            if (namespaces.Count == 0) return false; // every process named is gone: nothing to watch
        }
        filter = new DropFilter
        {
            Addresses = addresses,
            Ports = Port ?? [],
            Protocols = Protocol ?? [],
            Reasons = included,
            ExcludedReasons = excluded,
            NetworkNamespaces = namespaces.Distinct().ToArray(),
            Interfaces = Interface ?? [],
        };
        return true;
    }

    /// <summary>Reason names and wildcards, matched against the kernel's names.</summary>
    private IReadOnlyList<string> Expand(string[]? patterns, DropReasons reasons, bool mustMatch)
    {
        var names = new List<string>();
        foreach (var pattern in patterns ?? [])
        {
            var bare = pattern.Trim();
            // The kernel's full names work too (SKB_DROP_REASON_NO_SOCKET, SKB_CONSUMED).
            if (bare.StartsWith("SKB_DROP_REASON_", StringComparison.OrdinalIgnoreCase)) bare = bare["SKB_DROP_REASON_".Length..];
            else if (bare.StartsWith("SKB_", StringComparison.OrdinalIgnoreCase)) bare = bare["SKB_".Length..];
            var matcher = WildcardPattern.Get(bare, WildcardOptions.IgnoreCase);
            var matched = reasons.Names.Where(matcher.IsMatch).ToList();
            if (matched.Count == 0 && mustMatch) ThrowTerminatingError(PacketDropErrors.UnknownReason(pattern, reasons).ToErrorRecord());
            names.AddRange(matched);
        }
        return names.Distinct().ToArray();
    }
}
