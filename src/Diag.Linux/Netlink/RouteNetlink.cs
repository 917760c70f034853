using System.Buffers.Binary;
using Diag.Linux.Interop;

namespace Diag.Linux.Netlink;

/// <summary>
/// rtnetlink (NETLINK_ROUTE; linux/rtnetlink.h, linux/neighbour.h, linux/if_link.h) dumps as <c>ip neigh</c>,
/// <c>ip ntable</c> and <c>ip link</c> make them: neighbour entries, neighbour tables and interface names. Answers
/// for the network namespace the socket was opened in; reading needs no privilege.
/// </summary>
internal static class RouteNetlink
{
    private const ushort RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWROUTE = 24, RTM_GETROUTE = 26, RTM_NEWNEIGH = 28, RTM_GETNEIGH = 30,
        RTM_NEWNEIGHTBL = 64, RTM_GETNEIGHTBL = 66;
    private const int NdMessageSize = 12, NdtMessageSize = 4, IfInfoMessageSize = 16, RtMessageSize = 12;
    private const ushort RTA_DST = 1, RTA_OIF = 4, RTA_GATEWAY = 5;

    private const ushort NDA_DST = 1, NDA_LLADDR = 2, NDA_CACHEINFO = 3, NDA_PROBES = 4, NDA_PROTOCOL = 12, NDA_FLAGS_EXT = 15;
    private const ushort NDTA_NAME = 1, NDTA_THRESH1 = 2, NDTA_THRESH2 = 3, NDTA_THRESH3 = 4, NDTA_CONFIG = 5, NDTA_PARMS = 6,
        NDTA_STATS = 7, NDTA_GC_INTERVAL = 8;
    private const ushort NDTPA_IFINDEX = 1, NDTPA_REFCNT = 2, NDTPA_REACHABLE_TIME = 3, NDTPA_BASE_REACHABLE_TIME = 4,
        NDTPA_RETRANS_TIME = 5, NDTPA_GC_STALETIME = 6, NDTPA_DELAY_PROBE_TIME = 7, NDTPA_QUEUE_LEN = 8, NDTPA_APP_PROBES = 9,
        NDTPA_UCAST_PROBES = 10, NDTPA_MCAST_PROBES = 11, NDTPA_LOCKTIME = 15, NDTPA_QUEUE_LENBYTES = 16, NDTPA_MCAST_REPROBES = 17;
    private const ushort IFLA_IFNAME = 3;

    public static int TryOpen(out NetlinkSocket? socket) => NetlinkSocket.TryOpen(Libc.NETLINK_ROUTE, out socket);

    /// <summary>Every neighbour entry of <paramref name="family"/> (0: IPv4 and IPv6) in the socket's namespace, as
    /// <c>ip neigh show</c> lists them (proxy entries excluded); 0 or the errno.</summary>
    public static int TryDumpNeighbors(NetlinkSocket socket, byte family, List<NeighborRecord> into)
    {
        Span<byte> buffer = stackalloc byte[64];
        var request = new NetlinkRequest(buffer, RTM_GETNEIGH, NetlinkRequest.NLM_F_DUMP);
        request.AddFamilyHeader(NdMessageSize)[0] = family;
        return socket.Exchange(request, (type, payload) =>
        {
            if (type != RTM_NEWNEIGH || payload.Length < NdMessageSize) return;
            byte f = payload[0];
            if (f is not (ConntrackFlow.AF_INET or ConntrackFlow.AF_INET6)) return; // bridge FDB entries are another story
            var attributes = payload[NdMessageSize..];
            byte[] address = [], linkLayer = [];
            uint? probes = null, confirmed = null, used = null, updated = null, references = null;
            byte? protocol = null;
            uint extended = 0;
            foreach (var a in new NetlinkAttributes(attributes))
            {
                switch (a.Type)
                {
                    case NDA_DST: address = a.Payload.ToArray(); break;
                    case NDA_LLADDR: linkLayer = a.Payload.ToArray(); break;
                    case NDA_PROBES: probes = a.UInt32; break;
                    case NDA_PROTOCOL: protocol = a.UInt8; break;
                    case NDA_FLAGS_EXT: extended = a.UInt32; break;
                    case NDA_CACHEINFO when a.Payload.Length >= 16:
                        confirmed = BinaryPrimitives.ReadUInt32LittleEndian(a.Payload);
                        used = BinaryPrimitives.ReadUInt32LittleEndian(a.Payload[4..]);
                        updated = BinaryPrimitives.ReadUInt32LittleEndian(a.Payload[8..]);
                        references = BinaryPrimitives.ReadUInt32LittleEndian(a.Payload[12..]);
                        break;
                }
            }
            if (address.Length is not (4 or 16)) return;
            into.Add(new NeighborRecord
            {
                Family = f,
                InterfaceIndex = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]),
                State = BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]),
                Flags = payload[10],
                ExtendedFlags = extended,
                Address = address,
                LinkLayerAddress = linkLayer,
                Probes = probes,
                ConfirmedTicksAgo = confirmed,
                UsedTicksAgo = used,
                UpdatedTicksAgo = updated,
                ReferenceCount = references,
                Protocol = protocol,
            });
        });
    }

    /// <summary>The neighbour tables (arp_cache, ndisc_cache) with the parameters of the socket namespace's interfaces,
    /// as <c>ip -s ntable</c> shows them; 0 or the errno.</summary>
    public static int TryDumpNeighborTables(NetlinkSocket socket, List<NeighborTableRecord> into)
    {
        Span<byte> buffer = stackalloc byte[64];
        var request = new NetlinkRequest(buffer, RTM_GETNEIGHTBL, NetlinkRequest.NLM_F_DUMP);
        request.AddFamilyHeader(NdtMessageSize);
        return socket.Exchange(request, (type, payload) =>
        {
            if (type != RTM_NEWNEIGHTBL || payload.Length < NdtMessageSize) return;
            byte family = payload[0];
            if (family is not (ConntrackFlow.AF_INET or ConntrackFlow.AF_INET6)) return;
            var attributes = payload[NdtMessageSize..];
            string name = NetlinkAttributes.TryFind(attributes, NDTA_NAME, out var n) ? n.String : "";
            // The first message of a table carries its configuration and statistics; then one message per interface.
            var table = into.FirstOrDefault(t => t.Family == family && t.Name == name);
            if (table is null)
            {
                table = new NeighborTableRecord { Name = name, Family = family };
                into.Add(table);
            }
            foreach (var a in new NetlinkAttributes(attributes))
            {
                switch (a.Type)
                {
                    case NDTA_THRESH1: table.GcThresh1 = a.UInt32; break;
                    case NDTA_THRESH2: table.GcThresh2 = a.UInt32; break;
                    case NDTA_THRESH3: table.GcThresh3 = a.UInt32; break;
                    case NDTA_GC_INTERVAL: table.GcIntervalMilliseconds = a.UInt64; break;
                    case NDTA_CONFIG when a.Payload.Length >= 12:
                        // struct ndt_config { u16 key_len, entry_size; u32 entries, last_flush, last_rand, ... }
                        table.Entries = BinaryPrimitives.ReadUInt32LittleEndian(a.Payload[4..]);
                        table.LastFlushMillisecondsAgo = BinaryPrimitives.ReadUInt32LittleEndian(a.Payload[8..]);
                        break;
                    case NDTA_STATS:
                        ReadStatistics(a.Payload, table);
                        break;
                    case NDTA_PARMS:
                        var parameters = ReadParameters(a.Nested);
                        if (parameters.InterfaceIndex == 0) table.Defaults ??= parameters;
                        else table.Interfaces.Add(parameters);
                        break;
                }
            }
        });
    }

    private static void ReadStatistics(ReadOnlySpan<byte> stats, NeighborTableRecord table)
    {
        // struct ndt_stats: eleven u64 in this order; older kernels send fewer (table_fulls came last).
        table.Allocations = At(stats, 0);
        table.Destroys = At(stats, 1);
        table.HashGrows = At(stats, 2);
        table.ResolutionFailures = At(stats, 3);
        table.Lookups = At(stats, 4);
        table.Hits = At(stats, 5);
        table.MulticastProbesReceived = At(stats, 6);
        table.UnicastProbesReceived = At(stats, 7);
        table.PeriodicGcRuns = At(stats, 8);
        table.ForcedGcRuns = At(stats, 9);
        table.TableFulls = At(stats, 10);
    }

    private static ulong At(ReadOnlySpan<byte> stats, int index) =>
        stats.Length >= 8 * (index + 1) ? BinaryPrimitives.ReadUInt64LittleEndian(stats[(8 * index)..]) : 0;


    private static NeighborParametersRecord ReadParameters(NetlinkAttributes attributes)
    {
        var p = new NeighborParametersRecord();
        foreach (var a in attributes)
        {
            switch (a.Type)
            {
                case NDTPA_IFINDEX: p.InterfaceIndex = (int)a.UInt32; break;
                case NDTPA_REFCNT: p.ReferenceCount = a.UInt32; break;
                case NDTPA_REACHABLE_TIME: p.ReachableTimeMilliseconds = a.UInt64; break;
                case NDTPA_BASE_REACHABLE_TIME: p.BaseReachableTimeMilliseconds = a.UInt64; break;
                case NDTPA_RETRANS_TIME: p.RetransTimeMilliseconds = a.UInt64; break;
                case NDTPA_GC_STALETIME: p.GcStaleTimeMilliseconds = a.UInt64; break;
                case NDTPA_DELAY_PROBE_TIME: p.DelayProbeTimeMilliseconds = a.UInt64; break;
                case NDTPA_QUEUE_LEN: p.QueuePackets = a.UInt32; break;
                case NDTPA_QUEUE_LENBYTES: p.QueueBytes = a.UInt32; break;
                case NDTPA_APP_PROBES: p.ApplicationProbes = a.UInt32; break;
                case NDTPA_UCAST_PROBES: p.UnicastProbes = a.UInt32; break;
                case NDTPA_MCAST_PROBES: p.MulticastProbes = a.UInt32; break;
                case NDTPA_MCAST_REPROBES: p.MulticastReprobes = a.UInt32; break;
                case NDTPA_LOCKTIME: p.LockTimeMilliseconds = a.UInt64; break;
            }
        }
        return p;
    }

    /// <summary>The route the kernel would use to reach <paramref name="destination"/> (4 or 16 bytes), as
    /// <c>ip route get</c> asks it: the outgoing interface and the gateway (null when the destination is on the link).
    /// Returns 0 or the errno (ENETUNREACH: no route).</summary>
    public static int TryGetRoute(NetlinkSocket socket, byte[] destination, out int interfaceIndex, out byte[]? gateway)
    {
        int oif = 0;
        byte[]? via = null;
        Span<byte> buffer = stackalloc byte[64];
        var request = new NetlinkRequest(buffer, RTM_GETROUTE, 0);
        var header = request.AddFamilyHeader(RtMessageSize);
        header[0] = destination.Length == 4 ? ConntrackFlow.AF_INET : ConntrackFlow.AF_INET6; // rtm_family
        header[1] = (byte)(destination.Length * 8);                                              // rtm_dst_len
        request.AddAttribute(RTA_DST, destination);
        int errno = socket.Exchange(request, (type, payload) =>
        {
            if (type != RTM_NEWROUTE || payload.Length < RtMessageSize) return;
            foreach (var a in new NetlinkAttributes(payload[RtMessageSize..]))
            {
                if (a.Type == RTA_OIF) oif = (int)a.UInt32;
                else if (a.Type == RTA_GATEWAY && a.Payload.Length is 4 or 16) via = a.Payload.ToArray();
            }
        });
        interfaceIndex = oif;
        gateway = via;
        return errno;
    }

    /// <summary>Interface index → name for the socket's namespace, as <c>ip link</c> lists them; 0 or the errno.</summary>
    public static int TryDumpLinkNames(NetlinkSocket socket, Dictionary<int, string> into)
    {
        Span<byte> buffer = stackalloc byte[64];
        var request = new NetlinkRequest(buffer, RTM_GETLINK, NetlinkRequest.NLM_F_DUMP);
        request.AddFamilyHeader(IfInfoMessageSize);
        return socket.Exchange(request, (type, payload) =>
        {
            if (type != RTM_NEWLINK || payload.Length < IfInfoMessageSize) return;
            int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
            if (NetlinkAttributes.TryFind(payload[IfInfoMessageSize..], IFLA_IFNAME, out var name)) into[index] = name.String;
        });
    }
}
