using System.Net;
using Diag.Linux.Output;

namespace Diag.Linux.Toa;

/// <summary>The packet a TOA came in, and where it was read.</summary>
internal readonly record struct PacketContext(
    DateTime? Timestamp, IPAddress? Source, int? SourcePort, IPAddress? Destination, int? DestinationPort,
    long? LineNumber, string? Path, long? PacketNumber, TimeSpan? TimeOfDay = null);

/// <summary>
/// Turns the TOA options of one packet into records: one per option that names a client; a kind-250
/// virtual-address option (sent beside a kind-254 one in full-NAT mode) fills their virtual address,
/// or makes a record of its own when it came alone.
/// </summary>
internal static class ToaRecordBuilder
{
    public static void Add(in PacketContext packet, List<ToaOption> options, List<object> output)
    {
        ToaOption? vip = null;
        bool anyClient = false;
        foreach (var o in options)
        {
            if (o.Variant == ToaVariant.ToaVip) vip ??= o;
            else anyClient = true;
        }
        foreach (var o in options)
        {
            if (o.Variant == ToaVariant.ToaVip && anyClient) continue;
            var extra = o.Virtual is null && o.Variant != ToaVariant.ToaVip ? vip : null;
            output.Add(new ToaRecord
            {
                Timestamp = packet.Timestamp,
                TimeOfDay = packet.TimeOfDay ?? packet.Timestamp?.TimeOfDay,
                Source = Address(packet.Source),
                SourcePort = packet.SourcePort,
                Destination = Address(packet.Destination),
                DestinationPort = packet.DestinationPort,
                ClientAddress = Address(o.Client),
                ClientPort = o.ClientPort,
                VirtualAddress = Address(o.Virtual ?? extra?.Virtual),
                VirtualPort = o.VirtualPort ?? extra?.VirtualPort,
                VpcId = o.VpcId,
                OptionKind = o.Kind,
                VariantValue = o.Variant,
                LineNumber = packet.LineNumber,
                Path = packet.Path,
                PacketNumber = packet.PacketNumber,
            });
        }
    }

    /// <summary>The address as records carry it.</summary>
    internal static NetworkAddress? Address(IPAddress? address) => address is null ? null : new NetworkAddress(address);

    /// <summary>The message for an option of a TOA kind that could not be decoded.</summary>
    public static string Describe(BadToa bad, ToaKindMap map) => bad.Cut
        ? $"a kind-{bad.Kind} option ({bad.Length} bytes) is cut off by the end of the captured bytes"
        : $"option kind {bad.Kind} is {bad.Length} bytes long, but a kind-{bad.Kind} TOA is {map.DescribeKind(bad.Kind)}";
}
