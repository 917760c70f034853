using System.Buffers.Binary;
using Diag.Linux.Interop;

namespace Diag.Linux.Netlink;

/// <summary>Called for each entry of a conntrack dump.</summary>
internal delegate void ConntrackFlowHandler(in ConntrackFlow flow);

/// <summary>
/// ctnetlink (NETLINK_NETFILTER, subsystem NFNL_SUBSYS_CTNETLINK; linux/netfilter/nfnetlink_conntrack.h), the
/// interface <c>conntrack -S</c>, <c>-C</c> and <c>-L</c> use: per-CPU statistics, the namespace's entry count and the
/// limit, and a dump of the table. Answers for the network namespace the socket was opened in. Needs CAP_NET_ADMIN.
/// </summary>
internal static class ConntrackNetlink
{
    private const byte NFNL_SUBSYS_CTNETLINK = 1, NFNETLINK_V0 = 0;
    private const byte IPCTNL_MSG_CT_NEW = 0, IPCTNL_MSG_CT_GET = 1, IPCTNL_MSG_CT_GET_STATS_CPU = 4, IPCTNL_MSG_CT_GET_STATS = 5;
    private const int NfGenMessageSize = 4;

    private const ushort CTA_STATS_FOUND = 2, CTA_STATS_INVALID = 4, CTA_STATS_INSERT = 8, CTA_STATS_INSERT_FAILED = 9,
        CTA_STATS_DROP = 10, CTA_STATS_EARLY_DROP = 11, CTA_STATS_ERROR = 12, CTA_STATS_SEARCH_RESTART = 13,
        CTA_STATS_CLASH_RESOLVE = 14, CTA_STATS_CHAIN_TOOLONG = 15;
    private const ushort CTA_STATS_GLOBAL_ENTRIES = 1, CTA_STATS_GLOBAL_MAX_ENTRIES = 2;

    private const ushort CTA_TUPLE_ORIG = 1, CTA_STATUS = 3, CTA_PROTOINFO = 4, CTA_TIMEOUT = 7, CTA_ZONE = 18;
    private const ushort CTA_TUPLE_IP = 1, CTA_TUPLE_PROTO = 2;
    private const ushort CTA_IP_V4_SRC = 1, CTA_IP_V4_DST = 2, CTA_IP_V6_SRC = 3, CTA_IP_V6_DST = 4;
    private const ushort CTA_PROTO_NUM = 1, CTA_PROTO_SRC_PORT = 2, CTA_PROTO_DST_PORT = 3;
    private const ushort CTA_PROTOINFO_TCP = 1, CTA_PROTOINFO_TCP_STATE = 1;

    private static ushort MessageType(byte message) => (ushort)(NFNL_SUBSYS_CTNETLINK << 8 | message);

    /// <summary>Opens a NETLINK_NETFILTER socket in the calling thread's namespace; 0 or the errno.</summary>
    public static int TryOpen(out NetlinkSocket? socket) => NetlinkSocket.TryOpen(Libc.NETLINK_NETFILTER, out socket);

    /// <summary>IPCTNL_MSG_CT_GET_STATS_CPU: one set of counters per possible CPU. Returns 0 or the errno
    /// (EOPNOTSUPP/ENOENT: the kernel has no ctnetlink; EPERM: no CAP_NET_ADMIN).</summary>
    public static int TryReadCpuStatistics(NetlinkSocket socket, List<ConntrackCpuStatistics> into)
    {
        Span<byte> buffer = stackalloc byte[64];
        var request = new NetlinkRequest(buffer, MessageType(IPCTNL_MSG_CT_GET_STATS_CPU), NetlinkRequest.NLM_F_DUMP);
        request.AddFamilyHeader(NfGenMessageSize)[1] = NFNETLINK_V0; // nfgen_family AF_UNSPEC
        return socket.Exchange(request, (type, payload) =>
        {
            if (type != MessageType(IPCTNL_MSG_CT_GET_STATS_CPU) || payload.Length < NfGenMessageSize) return;
            var cpu = new ConntrackCpuStatistics { Cpu = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]) }; // res_id
            foreach (var a in new NetlinkAttributes(payload[NfGenMessageSize..]))
            {
                uint value = a.BigEndianUInt32;
                switch (a.Type)
                {
                    case CTA_STATS_FOUND: cpu.Found = value; break;
                    case CTA_STATS_INVALID: cpu.Invalid = value; break;
                    case CTA_STATS_INSERT: cpu.Insert = value; break;
                    case CTA_STATS_INSERT_FAILED: cpu.InsertFailed = value; break;
                    case CTA_STATS_DROP: cpu.Drop = value; break;
                    case CTA_STATS_EARLY_DROP: cpu.EarlyDrop = value; break;
                    case CTA_STATS_ERROR: cpu.Error = value; break;
                    case CTA_STATS_SEARCH_RESTART: cpu.SearchRestart = value; break;
                    case CTA_STATS_CLASH_RESOLVE: cpu.ClashResolve = value; break;
                    case CTA_STATS_CHAIN_TOOLONG: cpu.ChainTooLong = value; break;
                }
            }
            into.Add(cpu);
        });
    }

    /// <summary>IPCTNL_MSG_CT_GET_STATS: the namespace's entry count and nf_conntrack_max (what <c>conntrack -C</c>
    /// prints is the first). Returns 0 or the errno.</summary>
    public static int TryReadCount(NetlinkSocket socket, out uint entries, out uint maxEntries)
    {
        uint count = 0, max = 0;
        Span<byte> buffer = stackalloc byte[64];
        var request = new NetlinkRequest(buffer, MessageType(IPCTNL_MSG_CT_GET_STATS), 0);
        request.AddFamilyHeader(NfGenMessageSize)[1] = NFNETLINK_V0;
        int errno = socket.Exchange(request, (type, payload) =>
        {
            if (type != MessageType(IPCTNL_MSG_CT_GET_STATS) || payload.Length < NfGenMessageSize) return;
            foreach (var a in new NetlinkAttributes(payload[NfGenMessageSize..]))
            {
                if (a.Type == CTA_STATS_GLOBAL_ENTRIES) count = a.BigEndianUInt32;
                else if (a.Type == CTA_STATS_GLOBAL_MAX_ENTRIES) max = a.BigEndianUInt32;
            }
        });
        entries = count;
        maxEntries = max;
        return errno;
    }

    /// <summary>Dumps every entry of the namespace's table (all families and zones) to <paramref name="onFlow"/>; returns
    /// 0, the errno, or ECANCELED (the socket is then unusable).</summary>
    public static int TryDump(NetlinkSocket socket, ConntrackFlowHandler onFlow, CancellationToken cancel)
    {
        Span<byte> buffer = stackalloc byte[64];
        var request = new NetlinkRequest(buffer, MessageType(IPCTNL_MSG_CT_GET), NetlinkRequest.NLM_F_DUMP);
        request.AddFamilyHeader(NfGenMessageSize)[1] = NFNETLINK_V0;
        return socket.Exchange(request, (type, payload) =>
        {
            if (type != MessageType(IPCTNL_MSG_CT_NEW) || payload.Length < NfGenMessageSize) return;
            var flow = Parse(payload[0], payload[NfGenMessageSize..]);
            onFlow(in flow);
        }, cancel);
    }

    internal static ConntrackFlow Parse(byte family, ReadOnlySpan<byte> attributes)
    {
        var flow = new ConntrackFlow { Family = family, TcpState = ConntrackFlow.NoTcpState };
        foreach (var a in new NetlinkAttributes(attributes))
        {
            switch (a.Type)
            {
                case CTA_TUPLE_ORIG: ParseTuple(a.Nested, ref flow); break;
                case CTA_STATUS: flow.Status = a.BigEndianUInt32; break;
                case CTA_TIMEOUT: flow.TimeoutSeconds = a.BigEndianUInt32; break;
                case CTA_ZONE: flow.Zone = a.BigEndianUInt16; break;
                case CTA_PROTOINFO:
                    if (NetlinkAttributes.TryFind(a.Payload, CTA_PROTOINFO_TCP, out var tcp)
                        && NetlinkAttributes.TryFind(tcp.Payload, CTA_PROTOINFO_TCP_STATE, out var state))
                        flow.TcpState = state.UInt8;
                    break;
            }
        }
        return flow;
    }

    private static void ParseTuple(NetlinkAttributes tuple, ref ConntrackFlow flow)
    {
        foreach (var part in tuple)
        {
            if (part.Type == CTA_TUPLE_IP)
            {
                foreach (var ip in part.Nested)
                {
                    switch (ip.Type)
                    {
                        case CTA_IP_V4_SRC: flow.Source = Address(ip.Payload); flow.Family = ConntrackFlow.AF_INET; break;
                        case CTA_IP_V4_DST: flow.Destination = Address(ip.Payload); break;
                        case CTA_IP_V6_SRC: flow.Source = Address(ip.Payload); flow.Family = ConntrackFlow.AF_INET6; break;
                        case CTA_IP_V6_DST: flow.Destination = Address(ip.Payload); break;
                    }
                }
            }
            else if (part.Type == CTA_TUPLE_PROTO)
            {
                foreach (var proto in part.Nested)
                {
                    switch (proto.Type)
                    {
                        case CTA_PROTO_NUM: flow.Protocol = proto.UInt8; break;
                        case CTA_PROTO_SRC_PORT: flow.SourcePort = proto.BigEndianUInt16; break;
                        case CTA_PROTO_DST_PORT: flow.DestinationPort = proto.BigEndianUInt16; break;
                    }
                }
            }
        }
    }

    /// <summary>An address's bytes (4 or 16) kept in network order at the start of a UInt128.</summary>
    private static UInt128 Address(ReadOnlySpan<byte> bytes)
    {
        Span<byte> value = stackalloc byte[16];
        value.Clear();
        bytes[..Math.Min(16, bytes.Length)].CopyTo(value);
        return BinaryPrimitives.ReadUInt128BigEndian(value);
    }

    /// <summary>The bytes of an address kept by <see cref="Address"/>: 4 for IPv4, 16 for IPv6.</summary>
    public static byte[] AddressBytes(byte family, UInt128 address)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        return family == ConntrackFlow.AF_INET ? bytes[..4] : bytes;
    }
}
