namespace Diag.Linux.PacketDrops;

/// <summary>The network layer of a dropped packet.</summary>
public enum PacketFamily
{
    /// <summary>Not IP (ARP, LLDP...: see EtherType), or no network header to read.</summary>
    Other,
    IPv4,
    IPv6,
}
