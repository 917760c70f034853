using Diag.Linux.Bpf;
using static Diag.Linux.Bpf.BpfRegister;
using static Diag.Linux.PacketDrops.DropRecordLayout;
using C = Diag.Linux.Bpf.BpfCondition;
using S = Diag.Linux.Bpf.BpfSize;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// The drop program, written instruction by instruction, for the skb:kfree_skb tracepoint as tp_btf: its context is
/// the tracepoint's arguments (skb, location, reason[, rx_sk]), and the sk_buff and the structures it points to are
/// typed, so most reads are plain loads the verifier turns into fault-safe ones; only the packet's bytes and the
/// device's name are copied with bpf_probe_read_kernel. In order, each step leaving at once when the drop does not match:
/// <list type="number">
/// <item>the reason: compared with immediates (the excluded, or the only ones wanted);</item>
/// <item>the namespace: the device's, else the socket's, else the receiving socket's, its inode compared;</item>
/// <item>for NETFILTER_DROP, the conntrack attachment and conntrack's own drop counter on this CPU, compared with its value
///   at the last netfilter drop in that namespace on this CPU (every such drop passes here, before the packet filters,
///   so that the comparison is with the drop just before);</item>
/// <item>the interface, the IP and transport headers, and the protocol, address and port filters;</item>
/// <item>the record streamed through the ring buffer, or the key counted in a per-CPU hash.</item>
/// </list>
/// A drop that the filters reject costs the tracepoint and these comparisons; a freed packet that is not a drop (consumed)
/// does not reach the program at all (Linux 6.1+ traces it as consume_skb).
/// </summary>
/// <remarks>Registers kept across calls: r6 the context, r7 the skb, r8 the reason, r9 the namespace (struct net) and,
/// at the end, the record's address. The record is built on the stack (<see cref="RecordSlot"/>).</remarks>
internal sealed partial class DropProgram
{
    // Stack slots, as offsets from r10.
    private const short RecordSlot = -112;      // the record, 104 bytes
    private const short KeySlot = -192;         // the summary key, 80 bytes
    private const short HeaderSlot = -256;      // 56 bytes of the packet from its network header
    private const short TransportSlot = -272;   // 16 bytes from its transport header
    private const short ValueSlot = -288;       // a new summary value {1, length}
    private const short ScratchSlot = -296;     // u64 read by probe_read_kernel
    private const short NamespaceKeySlot = -300; // u32 namespace inode: conntrack baseline key
    private const short LostKeySlot = -304;     // u32 key of the ring buffer's lost counter
    private const short OverflowKeySlot = -308; // u32 0: key of the summary's overflow slot
    private const short ZeroKeySlot = -312;     // u32 0: key of the per-CPU offset
    private const short OffsetSlot = -320;      // u64 this CPU's per-CPU offset

    private const int HeaderBytes = 56;
    private const int EExist = 17;

    private readonly DropProgramSettings _settings;
    private readonly DropMaps _maps;
    private readonly SkbLayout _layout;

    public DropProgram(DropProgramSettings settings, DropMaps maps)
    {
        _settings = settings;
        _maps = maps;
        _layout = settings.Layout;
    }

    /// <summary>The program's name (what bpftool prog show lists).</summary>
    public const string Name = "diag_pkt_drop";

    public BpfInstruction[] Build()
    {
        var a = new BpfAssembler();
        var @out = a.NewLabel();

        a.Mov(R6, R1);
        a.Load(S.DoubleWord, R7, R6, 0);                    // r7 = skb
        a.JumpIf(C.Equal, R7, 0, @out);                     // (also tells the verifier it is not null)
        if (_layout.HasReason)
        {
            a.Load(S.DoubleWord, R8, R6, 16);               // r8 = reason
            a.Mov32(R8, R8);
        }
        else
        {
            a.Mov(R8, 0);
        }
        ReasonFilter(a, @out);
        ZeroRecord(a);
        a.Store(S.Word, R10, RecordSlot + Reason, R8);
        PacketLength(a);
        a.Store(S.Word, R10, RecordSlot + StackId, -1);

        var namespaceDone = a.NewLabel();
        ReadNamespace(a, @out, namespaceDone);                  // r9 = net; conntrack reads on the way
        a.Mark(namespaceDone);
        Device(a, @out);
        if (_settings.ReadsHeaders)
            Headers(a);
        ProtocolFilter(a, @out);
        AddressFilter(a, @out);
        PortFilter(a, @out);
        if (_settings.Summary)
            Count(a, @out);
        else
            Stream(a);

        a.Mark(@out);
        a.Mov(R0, 0);
        a.Exit();
        return a.Build();
    }

    /// <summary>The packet's length from its network header: skb->len counts from skb->data, which moves as the
    /// kernel reads the packet (past the IP header once the transport layer has it, to the link header on output), so
    /// the distance from the network header to data is added back: a 1-byte UDP datagram is 29 bytes wherever it drops.</summary>
    private void PacketLength(BpfAssembler a)
    {
        var store = a.NewLabel();
        a.Load(S.Word, R1, R7, _layout.Length);             // r1 = skb->len
        a.Load(S.HalfWord, R2, R7, _layout.NetworkHeader);
        a.JumpIf(C.Equal, R2, 0xffff, store);               // no network header: len as it is
        a.Load(S.DoubleWord, R3, R7, _layout.Head);
        a.Add(R2, R3);                                      // r2 = the network header's address
        a.Load(S.DoubleWord, R3, R7, _layout.Data);
        a.Sub(R3, R2);
        a.Add(R1, R3);                                      // len + (data - network header)
        a.Mark(store);
        a.Store(S.Word, R10, RecordSlot + Length, R1);
    }

    /// <summary>Leaves for an excluded reason, or for one that is not among those wanted.</summary>
    private void ReasonFilter(BpfAssembler a, BpfAssembler.Label @out)
    {
        foreach (var reason in _settings.ExcludedReasons)
            a.JumpIf32(C.Equal, R8, unchecked((int)reason), @out);
        if (_settings.IncludedReasons.Count == 0)
            return;
        var wanted = a.NewLabel();
        foreach (var reason in _settings.IncludedReasons)
            a.JumpIf32(C.Equal, R8, unchecked((int)reason), wanted);
        a.Jump(@out);
        a.Mark(wanted);
    }

    /// <summary>The record's bytes start as zeros: the ring buffer copies all of them, and unused fields read as 0.</summary>
    private static void ZeroRecord(BpfAssembler a)
    {
        a.Mov(R1, 0);
        for (var offset = 0; offset < RecordSize; offset += 8)
            a.Store(S.DoubleWord, R10, (short)(RecordSlot + offset), R1);
    }

    /// <summary>Leaves unless (u8 at record+<paramref name="field"/>) is one of <paramref name="values"/>.</summary>
    private static void ByteIn(BpfAssembler a, int field, IEnumerable<byte> values, BpfAssembler.Label @out)
    {
        var match = a.NewLabel();
        a.Load(S.Byte, R1, R10, (short)(RecordSlot + field));
        foreach (var value in values)
            a.JumpIf(C.Equal, R1, value, match);
        a.Jump(@out);
        a.Mark(match);
    }
}
