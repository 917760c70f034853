using System.Globalization;
using System.Net;
using Diag.Linux.Interop;
using Diag.Linux.Namespaces;
using Diag.Linux.Netlink;
using Diag.Linux.Output;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Neighbors;

/// <summary>
/// Get-NetNeighbor's engine: the neighbour (ARP/NDP) entries of network namespaces over rtnetlink, as <c>ip neigh</c>
/// reads them, each with its diagnosis; or, for -Statistics, the neighbour tables as <c>ip -s ntable</c> shows them
/// with unresolved_discards from /proc/net/stat. An address asked for that has no entry is looked up in the routing
/// table: when a gateway reaches it, the gateway's entry is the one that decides. Reads only.
/// </summary>
public static class NeighborReader
{
    public static NeighborReading Read(NeighborQuery query) => Run(query, statistics: false);

    public static NeighborReading ReadStatistics(NeighborQuery query) => Run(query, statistics: true);

    private static NeighborReading Run(NeighborQuery query, bool statistics)
    {
        var problems = new List<NeighborProblem>();
        var notes = new List<string>();
        var neighbors = new List<NetNeighbor>();
        var tables = new List<NeighborTableStatistics>();
        var patterns = new List<(string Text, IPAddress Address, int Prefix)>();
        foreach (var text in query.Addresses)
            if (NeighborQuery.TryParseAddress(text, out var address, out int prefix, out _)) patterns.Add((text, address, prefix));
        var exact = patterns.Where(p => p.Prefix < 0).Select(p => p.Address.GetAddressBytes()).ToList();

        var finder = NetworkNamespaceFinder.Scan();
        var selection = query.NetworkNamespaces.Count == 0 ? NetworkNamespaceSelection.Own : NetworkNamespaceSelection.Of(query.NetworkNamespaces);
        var notFound = new List<(string Spec, string Reason, int? ProcessId)>();
        var namespaces = selection.Resolve(finder, notFound);
        foreach (var (spec, reason, _) in notFound)
            problems.Add(new NeighborProblem(NeighborProblemKind.NamespaceNotFound, spec, Errno.ENOENT, reason));
        var discards = statistics ? ReadUnresolvedDiscards() : new Dictionary<byte, long>();

        var skipped = new List<string>();
        int skippedErrno = 0;
        foreach (var ns in namespaces)
        {
            int errno = NetworkNamespaceEntry.TryRun(ns, () => NeighborSnapshot.Read(statistics ? [] : exact), out var snapshot);
            string label = $"net:[{ns.Inode}] {ns.Label}";
            if (errno is Errno.ENOENT or 116) continue; // gone since it was found
            if (errno != 0)
            {
                if (selection.IsAll && errno is Errno.EPERM or Errno.EACCES)
                {
                    skipped.Add(label);
                    skippedErrno = errno;
                }
                else problems.Add(new NeighborProblem(NeighborProblemKind.NamespaceNotEntered, label, errno, $"setns into {ns.OpenPath}: {Errno.GetDescription(errno)}"));
                continue;
            }
            if (snapshot!.Errno != 0)
            {
                problems.Add(new NeighborProblem(NeighborProblemKind.ReadFailed, label, snapshot.Errno, $"{snapshot.FailedDump}: {Errno.GetDescription(snapshot.Errno)}"));
                continue;
            }
            if (statistics)
            {
                tables.AddRange(Tables(snapshot, ns, query, discards));
                notes.Add($"{label}: {snapshot.Tables.Count} neighbour tables, {snapshot.Tables.Sum(t => t.Interfaces.Count)} interface settings (rtnetlink RTM_GETNEIGHTBL); " +
                          (discards.Count > 0 ? "unresolved_discards from /proc/net/stat." : "unresolved_discards unknown: /proc/net/stat/arp_cache is visible only in the host's namespace."));
            }
            else
            {
                int before = neighbors.Count;
                neighbors.AddRange(Neighbors(snapshot, ns, query, patterns, problems));
                notes.Add($"{label}: {snapshot.Records.Count} neighbour entries read (rtnetlink RTM_GETNEIGH), {neighbors.Count - before} kept" +
                          (query.States.Count == 0 ? $", {snapshot.Records.Count(r => StateOf(r.State) == NeighborState.NoArp)} NoArp entries left out as ip neigh does." : "."));
            }
        }
        if (skipped.Count > 0)
            problems.Add(new NeighborProblem(NeighborProblemKind.NamespacesSkipped, string.Join(", ", skipped), skippedErrno, skipped.Count.ToString(CultureInfo.InvariantCulture)));
        return new NeighborReading(neighbors, tables, problems, notes);
    }

    private static IEnumerable<NetNeighbor> Neighbors(NeighborSnapshot snapshot, NetworkNamespace ns, NeighborQuery query,
        List<(string Text, IPAddress Address, int Prefix)> patterns, List<NeighborProblem> problems)
    {
        var found = new List<NetNeighbor>();
        foreach (var record in snapshot.Records)
        {
            var state = StateOf(record.State);
            if (query.States.Count == 0 ? state == NeighborState.NoArp : !query.States.Contains(state)) continue;
            if (!InterfaceWanted(snapshot, record.InterfaceIndex, query) || !FamilyWanted(record.Family, query)) continue;
            if (patterns.Count > 0 && !patterns.Any(p => NeighborQuery.Matches(record.Address, p.Address, p.Prefix))) continue;
            found.Add(Build(record, state, snapshot, ns, destination: null));
        }
        // An exact address without an entry: the gateway that reaches it, or a word on what a connect would do.
        foreach (var (text, address, prefix) in patterns.Where(p => p.Prefix < 0))
        {
            var bytes = address.GetAddressBytes();
            if (snapshot.Records.Any(r => r.Address.AsSpan().SequenceEqual(bytes))) continue;
            if (!snapshot.Routes.TryGetValue(NeighborSnapshot.Key(bytes), out var route)) continue;
            string where = route.Interface != 0 ? $" on {NameOf(snapshot, route.Interface)}" : "";
            if (route.Errno != 0)
            {
                problems.Add(new NeighborProblem(NeighborProblemKind.NoEntry, text, route.Errno,
                    $"no neighbour entry, and no route to it in net:[{ns.Inode}] {ns.Label} ({NeighborSnapshot.Describe(route.Errno)}): connects to it fail with 'Network is unreachable'"));
                continue;
            }
            if (route.Gateway is { } gateway && snapshot.Records.FirstOrDefault(r => r.Address.AsSpan().SequenceEqual(gateway) && (route.Interface == 0 || r.InterfaceIndex == route.Interface)) is { } via)
            {
                found.Add(Build(via, StateOf(via.State), snapshot, ns, new NetworkAddress(address)));
                continue;
            }
            string next = route.Gateway is { } g ? $"through the gateway {new IPAddress(g)}{where}, which has no entry either" : $"directly{where}";
            problems.Add(new NeighborProblem(NeighborProblemKind.NoEntry, text, 0,
                $"no neighbour entry in net:[{ns.Inode}] {ns.Label}; it is reached {next}: the next packet starts resolution, and a connect waits for it"));
        }
        return found;
    }

    private static NetNeighbor Build(NeighborRecord record, NeighborState state, NeighborSnapshot snapshot, NetworkNamespace ns, NetworkAddress? destination)
    {
        var address = new NetworkAddress(new IPAddress(record.Address));
        string name = NameOf(snapshot, record.InterfaceIndex);
        var settings = SettingsOf(snapshot, record.Family, record.InterfaceIndex, name);
        var (diagnosis, message, remedy) = NeighborDiagnoser.Diagnose(record, state, address.Value, name, settings);
        if (destination is not null) message = $"Connections to {destination} go through the gateway {address} on {name}. " + message;
        return new NetNeighbor
        {
            IPAddress = address,
            LinkLayerAddress = string.Join(':', record.LinkLayerAddress.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))),
            State = state.ToString(),
            StateValue = state,
            InterfaceAlias = name,
            InterfaceIndex = record.InterfaceIndex,
            AddressFamily = record.Family == ConntrackFlow.AF_INET ? "IPv4" : "IPv6",
            IsRouter = (record.Flags & NeighborRecord.NTF_ROUTER) != 0,
            Flags = ItemList.Of(FlagsOf(record)),
            Probes = record.Probes is { } p ? (int)p : null,
            ConfirmedAge = NeighborDiagnoser.Age(record.ConfirmedTicksAgo),
            UsedAge = NeighborDiagnoser.Age(record.UsedTicksAgo),
            UpdatedAge = NeighborDiagnoser.Age(record.UpdatedTicksAgo),
            ReferenceCount = record.ReferenceCount is { } r ? (int)r : null,
            NetworkNamespace = ns.Inode,
            Diagnosis = diagnosis.ToString(),
            DiagnosisValue = diagnosis,
            Message = message,
            Remedy = remedy,
            Destination = destination,
        };
    }

    private static IEnumerable<NeighborTableStatistics> Tables(NeighborSnapshot snapshot, NetworkNamespace ns, NeighborQuery query, Dictionary<byte, long> discards)
    {
        foreach (var table in snapshot.Tables.Where(t => FamilyWanted(t.Family, query)))
        {
            bool ipv4 = table.Family == ConntrackFlow.AF_INET;
            var interfaces = new List<NeighborInterfaceSettings>();
            string family = ipv4 ? "IPv4" : "IPv6";
            if (table.Defaults is { } defaults) interfaces.Add(Settings(defaults, "default", family));
            interfaces.AddRange(table.Interfaces
                .Where(i => InterfaceWanted(snapshot, i.InterfaceIndex, query))
                .OrderBy(i => i.InterfaceIndex)
                .Select(i => Settings(i, NameOf(snapshot, i.InterfaceIndex), family)));
            long? discarded = discards.TryGetValue(table.Family, out long d) ? d : null;
            var (diagnosis, message, remedy) = DiagnoseTable(table, ipv4, discarded);
            yield return new NeighborTableStatistics
            {
                AddressFamily = family,
                Table = table.Name,
                NetworkNamespace = ns.Inode,
                Entries = table.Entries,
                GcThresh1 = table.GcThresh1,
                GcThresh2 = table.GcThresh2,
                GcThresh3 = table.GcThresh3,
                GcInterval = TimeSpan.FromMilliseconds(table.GcIntervalMilliseconds),
                ResolutionFailures = (long)table.ResolutionFailures,
                UnresolvedDiscards = discarded,
                TableFulls = (long)table.TableFulls,
                ForcedGcRuns = (long)table.ForcedGcRuns,
                PeriodicGcRuns = (long)table.PeriodicGcRuns,
                Allocations = (long)table.Allocations,
                Destroys = (long)table.Destroys,
                HashGrows = (long)table.HashGrows,
                Lookups = (long)table.Lookups,
                Hits = (long)table.Hits,
                MulticastProbesReceived = (long)table.MulticastProbesReceived,
                UnicastProbesReceived = (long)table.UnicastProbesReceived,
                Diagnosis = diagnosis,
                Message = message,
                Remedy = remedy,
                Interfaces = ItemList.Of(interfaces),
            };
        }
    }

    private static (string Diagnosis, string Message, string Remedy) DiagnoseTable(NeighborTableRecord table, bool ipv4, long? discarded)
    {
        string failures = $"res_failed {table.ResolutionFailures.ToString(CultureInfo.InvariantCulture)}: resolutions nobody answered; " +
                          (discarded is { } d ? $"unresolved_discards {d.ToString(CultureInfo.InvariantCulture)}: packets dropped from full queues of unresolved neighbours. " : "");
        string prefix = $"net.{(ipv4 ? "ipv4" : "ipv6")}.neigh.default.";
        long target = 1;
        while (target < Math.Max(2L * table.Entries, 2L * table.GcThresh3)) target <<= 1;
        string remedy = string.Join('\n', $"sysctl -w {prefix}gc_thresh1={target / 8}", $"sysctl -w {prefix}gc_thresh2={target / 2}", $"sysctl -w {prefix}gc_thresh3={target}");
        const string Host = " The thresholds are the host's (set them in its initial namespace, and in /etc/sysctl.d to keep them).";
        if (table.TableFulls > 0)
            return ("Overflowed", $"The table was full {table.TableFulls.ToString(CultureInfo.InvariantCulture)} time(s) (table_fulls): entries beyond gc_thresh3 could not be made and their packets were dropped. " + failures + Host, remedy);
        if (table.GcThresh2 > 0 && table.Entries >= table.GcThresh2)
            return ("NearFull", $"{table.Entries.ToString(CultureInfo.InvariantCulture)} entries are above gc_thresh2 ({table.GcThresh2.ToString(CultureInfo.InvariantCulture)}): the kernel collects entries at once, and at gc_thresh3 new neighbours fail. " + failures + Host, remedy);
        return ("Ok", $"{table.Entries.ToString(CultureInfo.InvariantCulture)} entries, below gc_thresh2. " + failures, "");
    }

    private static NeighborInterfaceSettings Settings(NeighborParametersRecord p, string name, string family) => new()
    {
        InterfaceAlias = name,
        AddressFamily = family,
        InterfaceIndex = p.InterfaceIndex,
        UnresolvedQueueBytes = p.QueueBytes,
        UnresolvedQueuePackets = p.QueuePackets,
        MulticastProbes = (int)p.MulticastProbes,
        UnicastProbes = (int)p.UnicastProbes,
        ApplicationProbes = (int)p.ApplicationProbes,
        MulticastReprobes = (int)p.MulticastReprobes,
        RetransmitTime = TimeSpan.FromMilliseconds(p.RetransTimeMilliseconds),
        BaseReachableTime = TimeSpan.FromMilliseconds(p.BaseReachableTimeMilliseconds),
        ReachableTime = TimeSpan.FromMilliseconds(p.ReachableTimeMilliseconds),
        DelayFirstProbeTime = TimeSpan.FromMilliseconds(p.DelayProbeTimeMilliseconds),
        GcStaleTime = TimeSpan.FromMilliseconds(p.GcStaleTimeMilliseconds),
        LockTime = TimeSpan.FromMilliseconds(p.LockTimeMilliseconds),
    };

    private static NeighborInterfaceSettings SettingsOf(NeighborSnapshot snapshot, byte family, int index, string name)
    {
        var table = snapshot.Tables.FirstOrDefault(t => t.Family == family);
        var parameters = table?.Interfaces.FirstOrDefault(i => i.InterfaceIndex == index) ?? table?.Defaults ?? new NeighborParametersRecord { RetransTimeMilliseconds = 1000, MulticastProbes = 3, UnicastProbes = 3 };
        return Settings(parameters, name, family == ConntrackFlow.AF_INET ? "IPv4" : "IPv6");
    }

    internal static NeighborState StateOf(ushort nud) => nud switch
    {
        0 => NeighborState.None,
        _ when (nud & NeighborRecord.NUD_PERMANENT) != 0 => NeighborState.Permanent,
        _ when (nud & NeighborRecord.NUD_NOARP) != 0 => NeighborState.NoArp,
        _ when (nud & NeighborRecord.NUD_FAILED) != 0 => NeighborState.Failed,
        _ when (nud & NeighborRecord.NUD_INCOMPLETE) != 0 => NeighborState.Incomplete,
        _ when (nud & NeighborRecord.NUD_PROBE) != 0 => NeighborState.Probe,
        _ when (nud & NeighborRecord.NUD_DELAY) != 0 => NeighborState.Delay,
        _ when (nud & NeighborRecord.NUD_STALE) != 0 => NeighborState.Stale,
        _ => NeighborState.Reachable,
    };

    private static IEnumerable<string> FlagsOf(NeighborRecord record)
    {
        if ((record.Flags & NeighborRecord.NTF_ROUTER) != 0) yield return "router";
        if ((record.Flags & NeighborRecord.NTF_PROXY) != 0) yield return "proxy";
        if ((record.Flags & NeighborRecord.NTF_EXT_LEARNED) != 0) yield return "extern_learn";
        if ((record.Flags & NeighborRecord.NTF_OFFLOADED) != 0) yield return "offload";
        if ((record.Flags & NeighborRecord.NTF_STICKY) != 0) yield return "sticky";
        if ((record.ExtendedFlags & NeighborRecord.NTF_EXT_MANAGED) != 0) yield return "managed";
    }

    private static string NameOf(NeighborSnapshot snapshot, int index) =>
        snapshot.Links.TryGetValue(index, out var name) ? name : "if" + index.ToString(CultureInfo.InvariantCulture);

    private static bool InterfaceWanted(NeighborSnapshot snapshot, int index, NeighborQuery query) =>
        (query.InterfaceIndexes.Count == 0 || query.InterfaceIndexes.Contains(index))
        && (query.InterfaceFilter is null || query.InterfaceFilter(NameOf(snapshot, index)));

    private static bool FamilyWanted(byte family, NeighborQuery query) =>
        query.AddressFamily is null || (family == ConntrackFlow.AF_INET ? "IPv4" : "IPv6").Equals(query.AddressFamily, StringComparison.OrdinalIgnoreCase);

    /// <summary>unresolved_discards per family, summed over CPUs from /proc/net/stat/arp_cache and ndisc_cache (only the
    /// host's namespace has these files; the counts are the whole machine's).</summary>
    private static Dictionary<byte, long> ReadUnresolvedDiscards()
    {
        var counts = new Dictionary<byte, long>();
        using var reader = new ProcFileReader();
        foreach (var (family, file) in new[] { (ConntrackFlow.AF_INET, "/proc/net/stat/arp_cache"u8.ToArray()), (ConntrackFlow.AF_INET6, "/proc/net/stat/ndisc_cache"u8.ToArray()) })
        {
            if (reader.Read(ProcFileReader.CurrentDirectory, file, out var text) != 0) continue;
            if (NetStatTable.Parse(text)?.Sum("unresolved_discards") is { } sum) counts[family] = (long)sum;
        }
        return counts;
    }
}
