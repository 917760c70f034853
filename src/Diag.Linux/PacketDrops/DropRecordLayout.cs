namespace Diag.Linux.PacketDrops;

/// <summary>
/// The bytes the drop programs and the reader share. The program builds a <b>record</b> of each drop on its stack
/// (streamed through the ring buffer as it is); a summary counts drops under a <b>key</b> copied out of the record:
/// reason, namespace, place, stack and conntrack evidence, and with ByFlow the flow and interface as well.
/// Addresses are in network byte order, ports in host order; an IPv4 address fills the first 4 bytes.
/// </summary>
internal static class DropRecordLayout
{
    // The record (104 bytes).
    public const int Timestamp = 0;          // u64 bpf_ktime_get_ns (CLOCK_MONOTONIC)
    public const int Location = 8;        // u64 the kfree_skb caller's address
    public const int Reason = 16;         // u32
    public const int Namespace = 20;      // u32 netns inode, 0 when the packet had no device or socket
    public const int InterfaceIndex = 24; // u32
    public const int Length = 28;         // u32 from the network header (skb->len + data - network header)
    public const int InterfaceName = 32;  // char[16]
    public const int SourceAddress = 48;  // u8[16]
    public const int DestinationAddress = 64; // u8[16]
    public const int SourcePort = 80;     // u16
    public const int DestinationPort = 82; // u16
    public const int EtherType = 84;      // u16 (host order)
    public const int Family = 86;         // u8: 4, 6, or 0
    public const int Protocol = 87;       // u8
    public const int Flags = 88;          // u8
    public const int ConntrackSlot = 89;      // u8: ConntrackAttachment
    public const int Evidence = 90;       // u8: ConntrackEvidence
    public const int StackId = 92;        // s32, -1 without -Stack or when the stack could not be stored
    public const int Cpu = 96;            // u32
    public const int RecordSize = 104;

    // The summary key (24 bytes; 80 with the flow).
    public const int KeyLocation = 0;     // u64
    public const int KeyReason = 8;       // u32, then u32 namespace at 12 (copied with it as one u64)
    public const int KeyStackId = 16;     // s32
    public const int KeyConntrack = 20;   // u8
    public const int KeyEvidence = 21;    // u8
    public const int KeyFamily = 22;      // u8 (flow only)
    public const int KeyProtocol = 23;    // u8 (flow only)
    public const int KeySourceAddress = 24;
    public const int KeyDestinationAddress = 40;
    public const int KeyPorts = 56;       // u16 source, u16 destination
    public const int KeyInterfaceIndex = 60;
    public const int KeyInterfaceName = 64;
    public const int KeySize = 24;
    public const int FlowKeySize = 80;

    // The summary value: u64 drops, u64 bytes.
    public const int ValueSize = 16;
}

/// <summary>What conntrack's per-CPU drop counter said about a netfilter drop (byte 90 of the record).</summary>
internal enum ConntrackEvidence : byte
{
    /// <summary>Not read: not a netfilter drop, no namespace, or the first netfilter drop seen in that namespace on that CPU
    /// (nothing to compare the counter with).</summary>
    Unknown = 0,

    /// <summary>The counter rose since the last netfilter drop in that namespace on that CPU: conntrack dropped this packet.</summary>
    Rose = 1,

    /// <summary>The counter did not move: something else (a rule) dropped it.</summary>
    Unchanged = 2,
}
