using System.Net;
using Diag.Linux.Netlink;
using Diag.Linux.Output;

namespace Diag.Linux.Conntrack;

/// <summary>
/// Counts a table dump as it streams by, entry by entry, without keeping entries: by state, by source address and by
/// destination port (protocol and port), the way one would <c>conntrack -L | sort | uniq -c | sort -rn</c>.
/// </summary>
internal sealed class ConntrackTally
{
    private readonly Dictionary<int, long> _states = new();
    private readonly Dictionary<(byte Family, UInt128 Address), long> _sources = new();
    private readonly Dictionary<(byte Protocol, ushort Port), long> _ports = new();

    public long Entries { get; private set; }

    public void Add(in ConntrackFlow flow)
    {
        Entries++;
        Increment(_states, ConntrackStates.KeyOf(flow));
        Increment(_sources, (flow.Family, flow.Source));
        if (flow.HasPorts) Increment(_ports, (flow.Protocol, flow.DestinationPort));
    }

    /// <summary>Entries per state key (see <see cref="ConntrackStates"/>), most first.</summary>
    public IEnumerable<(int Key, long Entries)> States => _states.OrderByDescending(s => s.Value).ThenBy(s => s.Key).Select(s => (s.Key, s.Value));

    public IReadOnlyList<ConntrackConsumer> TopStates(int count) =>
        States.Take(count).Select(s => new ConntrackConsumer("State", ConntrackStates.NameOf(s.Key), s.Entries, Entries)).ToList();

    public IReadOnlyList<ConntrackConsumer> TopSources(int count) =>
        _sources.OrderByDescending(s => s.Value).ThenBy(s => s.Key.Address).Take(count).Select(s =>
        {
            var address = new NetworkAddress(new IPAddress(ConntrackNetlink.AddressBytes(s.Key.Family, s.Key.Address)));
            return new ConntrackConsumer("Source", address.Value, s.Value, Entries) { IPAddress = address };
        }).ToList();

    public IReadOnlyList<ConntrackConsumer> TopDestinationPorts(int count) =>
        _ports.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Port).Take(count).Select(p =>
        {
            string protocol = ConntrackStates.ProtocolName(p.Key.Protocol);
            return new ConntrackConsumer("DestinationPort", $"{protocol}/{p.Key.Port}", p.Value, Entries) { Protocol = protocol, Port = p.Key.Port };
        }).ToList();

    private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key) where TKey : notnull
    {
        ref long count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _);
        count++;
    }
}
