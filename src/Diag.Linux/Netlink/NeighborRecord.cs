namespace Diag.Linux.Netlink;

/// <summary>One neighbour (ARP or NDP) entry as RTM_NEWNEIGH reports it (struct ndmsg and NDA_* attributes,
/// linux/neighbour.h). Times are in the kernel's clock ticks (USER_HZ), as ago-values.</summary>
internal sealed class NeighborRecord
{
    public const ushort NUD_INCOMPLETE = 0x01, NUD_REACHABLE = 0x02, NUD_STALE = 0x04, NUD_DELAY = 0x08, NUD_PROBE = 0x10,
        NUD_FAILED = 0x20, NUD_NOARP = 0x40, NUD_PERMANENT = 0x80;
    public const byte NTF_USE = 0x01, NTF_SELF = 0x02, NTF_MASTER = 0x04, NTF_PROXY = 0x08, NTF_EXT_LEARNED = 0x10,
        NTF_OFFLOADED = 0x20, NTF_STICKY = 0x40, NTF_ROUTER = 0x80;
    public const uint NTF_EXT_MANAGED = 0x01;

    /// <summary>AF_INET (ARP) or AF_INET6 (NDP).</summary>
    public byte Family { get; init; }

    public int InterfaceIndex { get; init; }

    /// <summary>ndm_state: one NUD_* value (0 for NUD_NONE).</summary>
    public ushort State { get; init; }

    /// <summary>ndm_flags: NTF_* bits.</summary>
    public byte Flags { get; init; }

    /// <summary>NDA_FLAGS_EXT: NTF_EXT_* bits.</summary>
    public uint ExtendedFlags { get; init; }

    /// <summary>NDA_DST: 4 or 16 bytes.</summary>
    public byte[] Address { get; init; } = [];

    /// <summary>NDA_LLADDR: the hardware address, empty when not resolved.</summary>
    public byte[] LinkLayerAddress { get; init; } = [];

    /// <summary>NDA_PROBES: solicitations sent for the entry's current resolution or confirmation.</summary>
    public uint? Probes { get; init; }

    /// <summary>NDA_CACHEINFO: clock ticks since the entry was last confirmed, used and updated; its reference count.</summary>
    public uint? ConfirmedTicksAgo { get; init; }
    public uint? UsedTicksAgo { get; init; }
    public uint? UpdatedTicksAgo { get; init; }
    public uint? ReferenceCount { get; init; }

    /// <summary>NDA_PROTOCOL: who installed the entry (RTPROT_*), when the kernel says.</summary>
    public byte? Protocol { get; init; }
}
