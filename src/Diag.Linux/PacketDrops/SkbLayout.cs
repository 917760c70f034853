using Diag.Linux.Bpf.Btf;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// What the drop programs read of the running kernel, from its BTF (CO-RE: the offsets are this kernel's, looked up as
/// the program is assembled): the skb:kfree_skb tracepoint's typedef and arguments, the sk_buff members of the packet
/// (head and header offsets, length, protocol, device, socket, conntrack attachment), the device's name, index and
/// namespace, the namespace's inode, and conntrack's per-CPU statistics with where a per-CPU array map keeps its
/// per-CPU pointer (with which the program finds this CPU's copy of them). What a kernel lacks is an error
/// (<see cref="KernelLayoutException"/>) for what the program cannot do without, and a feature left out (the field is
/// null) for the conntrack counter.
/// </summary>
internal sealed class SkbLayout
{
    public const string Tracepoint = "kfree_skb";
    public const string TracepointTypedef = "btf_trace_kfree_skb";

    /// <summary>Reads the running kernel's layout.</summary>
    public static SkbLayout Running() => From(BtfLayout.Running());

    public static SkbLayout From(BtfLayout btf)
    {
        var types = btf.Types;
        var typedef = types.TypedefId(TracepointTypedef);
        if (typedef == 0)
            throw new KernelLayoutException($"this kernel ({btf.Kernel}) has no typed skb:kfree_skb tracepoint ({TracepointTypedef}, Linux 5.5+)", TracepointTypedef, null);
        // typedef void (*btf_trace_kfree_skb)(void *, struct sk_buff *, void *location[, enum skb_drop_reason[, struct sock *rx_sk]]):
        // the first parameter is the tracepoint's data, the others are the program's arguments.
        var pointer = types.Resolve(typedef, out _);
        var proto = types[(int)pointer.SizeOrType];
        var arguments = proto.Kind == BtfKind.FunctionProto ? proto.Count - 1 : 0;
        if (arguments < 2)
            throw new KernelLayoutException($"this kernel's ({btf.Kernel}) {TracepointTypedef} has {arguments} arguments, not the skb and its location", TracepointTypedef, null);

        int? Optional(string structure, string path) => types.TryField(structure, path, out _)?.ByteOffset;
        var perCpuBase = Optional("bpf_array", "pptrs");
        var statOffset = Optional("net", "ct.stat");
        var dropOffset = Optional("ip_conntrack_stat", "drop");
        return new SkbLayout
        {
            Kernel = btf.Kernel,
            TracepointBtfId = typedef,
            HasReason = arguments >= 3,
            HasReceivingSocket = arguments >= 4,
            Head = btf.Offset("sk_buff", "head"),
            Data = btf.Offset("sk_buff", "data"),
            NetworkHeader = btf.Offset("sk_buff", "network_header"),
            Protocol = btf.Offset("sk_buff", "protocol"),
            Length = btf.Offset("sk_buff", "len"),
            Device = btf.Offset("sk_buff", "dev"),
            Socket = btf.Offset("sk_buff", "sk"),
            Conntrack = types.TryField("sk_buff", "_nfct", out _)?.ByteOffset is { } nfct ? (short)nfct : null,
            DeviceNamespace = btf.Offset("net_device", "nd_net.net"),
            DeviceIndex = btf.Offset("net_device", "ifindex"),
            DeviceName = btf.Offset("net_device", "name"),
            SocketNamespace = btf.Offset("sock", "__sk_common.skc_net.net"),
            NamespaceInode = btf.Offset("net", "ns.inum"),
            // Conntrack's counter: net->ct.stat is a per-CPU pointer; this CPU's copy is at it + this CPU's per-CPU
            // offset, which the program learns from a per-CPU array of its own (bpf_array.pptrs[0] and this CPU's value).
            ConntrackStatistics = statOffset is { } s && dropOffset is not null && perCpuBase is not null && s <= short.MaxValue ? (short)s : null,
            ConntrackDropCounter = dropOffset is { } d ? (short)d : (short)0,
            PerCpuArrayBase = perCpuBase ?? 0,
        };
    }

    /// <summary>The kernel these offsets are from, for messages.</summary>
    public required string Kernel { get; init; }

    /// <summary>The BTF id of btf_trace_kfree_skb, which a tp_btf program is loaded against.</summary>
    public required int TracepointBtfId { get; init; }

    /// <summary>The tracepoint passes the drop reason (Linux 5.17+).</summary>
    public required bool HasReason { get; init; }

    /// <summary>The tracepoint passes the receiving socket (rx_sk, Linux 6.11+).</summary>
    public required bool HasReceivingSocket { get; init; }

    public required short Head { get; init; }
    public required short Data { get; init; }
    public required short NetworkHeader { get; init; }
    public required short Protocol { get; init; }
    public required short Length { get; init; }
    public required short Device { get; init; }
    public required short Socket { get; init; }

    /// <summary>sk_buff._nfct; null on a kernel without conntrack.</summary>
    public required short? Conntrack { get; init; }

    public required short DeviceNamespace { get; init; }
    public required short DeviceIndex { get; init; }
    public required short DeviceName { get; init; }
    public required short SocketNamespace { get; init; }
    public required short NamespaceInode { get; init; }

    /// <summary>net.ct.stat; null when the kernel lacks it or bpf_array.pptrs (then drops are told apart by
    /// the table's fill alone).</summary>
    public required short? ConntrackStatistics { get; init; }

    /// <summary>ip_conntrack_stat.drop.</summary>
    public required short ConntrackDropCounter { get; init; }

    /// <summary>bpf_array.pptrs: where a per-CPU array map keeps its values' per-CPU pointers.</summary>
    public required int PerCpuArrayBase { get; init; }
}
