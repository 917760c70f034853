using System.Globalization;
using Diag.Linux.Output;

namespace Diag.Linux.Toa;

/// <summary>
/// One TOA seen on the wire: the real client behind a full-NAT load balancer, with the packet that
/// carried it (the balancer's address as source, the backend as destination) and where it was read.
/// The addresses are <see cref="NetworkAddress"/> objects: they sort as addresses (IPv4 before IPv6, numerically), compare
/// equal to their text, and print, export and write to JSON as text.
/// </summary>
public sealed class ToaRecord
{
    /// <summary>When the packet was captured (local time); null when the text has only a time of day
    /// (tcpdump's default; <c>-tttt</c> or <c>-tt</c> print the date) or no time at all.</summary>
    public DateTime? Timestamp { get; internal init; }

    /// <summary>The time of day the packet was captured: Timestamp's, or the time alone that tcpdump's default text prints
    /// (<c>17:53:20.123456 IP …</c>) without a date. Null when the text has no time (<c>-t</c>) or only deltas (<c>-ttt</c>).</summary>
    public TimeSpan? TimeOfDay { get; internal init; }

    /// <summary>Source address on the wire: the load balancer's address. Null when tcpdump printed a host name (run it with -nn).</summary>
    public NetworkAddress? Source { get; internal init; }

    /// <summary>Source port on the wire (the balancer's port). Null when tcpdump printed a name it could not map back.</summary>
    public int? SourcePort { get; internal init; }

    /// <summary>Destination address on the wire: the backend server.</summary>
    public NetworkAddress? Destination { get; internal init; }

    /// <summary>Destination port: the service on the backend.</summary>
    public int? DestinationPort { get; internal init; }

    /// <summary>The real client's address carried in the option. Null only when tcpdump dropped it
    /// (<see cref="ToaVariant.PortOnly"/>) or the packet carried only the virtual address (<see cref="ToaVariant.ToaVip"/>).</summary>
    public NetworkAddress? ClientAddress { get; internal init; }

    /// <summary>The real client's port; null for <see cref="ToaVariant.ToaVip"/> alone.</summary>
    public int? ClientPort { get; internal init; }

    /// <summary>The virtual (service) address the client connected to: VTOA variants, or a kind-250 option in the same packet.</summary>
    public NetworkAddress? VirtualAddress { get; internal init; }

    /// <summary>The virtual (service) port the client connected to.</summary>
    public int? VirtualPort { get; internal init; }

    /// <summary>The VPC id of the client's network (<see cref="ToaVariant.Vtoa"/>: 32 bits; <see cref="ToaVariant.V6Vtoa"/>: 24 bits).</summary>
    public uint? VpcId { get; internal init; }

    /// <summary>The TCP option kind that carried the client (200, 254...); null for -Hex or -Byte data given without its kind.</summary>
    public int? OptionKind { get; internal init; }

    /// <summary>The option's layout.</summary>
    public string Variant => VariantValue.ToString();

    internal ToaVariant VariantValue { get; init; }

    /// <summary>The client as one readable endpoint (<c>10.10.1.1:12345</c>, <c>[2001:db8::1]:443</c>), for logs and JSON; null when the address is unknown.</summary>
    public string? Client => ClientAddress is null ? null : Endpoint(ClientAddress, ClientPort);

    /// <summary>The text line the option was read from (1-based), for text input.</summary>
    public long? LineNumber { get; internal init; }

    /// <summary>The capture file the packet was read from, for -Path and -LiteralPath.</summary>
    public string? Path { get; internal init; }

    /// <summary>The packet's number: in the capture file (as Wireshark numbers them, from 1), or among the packets of the text.</summary>
    public long? PacketNumber { get; internal init; }

    public override string ToString()
    {
        var client = ClientAddress is null ? (ClientPort is { } p ? "?:" + p.ToString(CultureInfo.InvariantCulture) : "?") : Client;
        var wire = Source is null && Destination is null ? "" : $" via {Endpoint(Source, SourcePort)} > {Endpoint(Destination, DestinationPort)}";
        var kind = OptionKind is { } k ? $"kind {k}, " : "";
        return $"{client}{wire} ({kind}{Variant})";
    }

    internal static string Endpoint(NetworkAddress? address, int? port)
    {
        var host = address is null ? "?" : address.Family == "IPv6" ? $"[{address}]" : address.Value;
        return port is { } p ? host + ":" + p.ToString(CultureInfo.InvariantCulture) : host;
    }
}
