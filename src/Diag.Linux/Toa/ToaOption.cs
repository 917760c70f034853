using System.Buffers.Binary;
using System.Net;

namespace Diag.Linux.Toa;

/// <summary>One decoded TOA option: the client (or virtual service) it carries.</summary>
internal readonly record struct ToaOption(
    int? Kind, ToaVariant Variant, IPAddress? Client, int? ClientPort, IPAddress? Virtual = null, int? VirtualPort = null, uint? VpcId = null)
{
    /// <summary>Decodes the data bytes (after kind and length) of an option whose length matched <paramref name="variant"/>.</summary>
    public static ToaOption Decode(int? kind, ToaVariant variant, ReadOnlySpan<byte> data)
    {
        int port = BinaryPrimitives.ReadUInt16BigEndian(data);
        switch (variant)
        {
            case ToaVariant.Toa:
                return new(kind, variant, new IPAddress(data.Slice(2, 4)), port);
            case ToaVariant.ToaV6:
                return new(kind, variant, new IPAddress(data.Slice(2, 16)), port);
            case ToaVariant.ToaVip:
                return new(kind, variant, null, null, new IPAddress(data.Slice(2, 4)), port);
            case ToaVariant.Vtoa:
                // struct vtoa_data: cport, cip, vid, vip, vport, pad[2]
                return new(kind, variant, new IPAddress(data.Slice(2, 4)), port,
                    new IPAddress(data.Slice(10, 4)), BinaryPrimitives.ReadUInt16BigEndian(data[14..]),
                    BinaryPrimitives.ReadUInt32BigEndian(data[6..]));
            case ToaVariant.V6Vtoa:
                // struct v6vtoa_data: cport, cip[16], vid:24 + reserved:8 (the module reads it as
                // ntohl(VID_BE_UNFOLD(vid)): the first three bytes, big-endian), vip[16]
                uint vid = (uint)(data[18] << 16 | data[19] << 8 | data[20]);
                return new(kind, variant, new IPAddress(data.Slice(2, 16)), port, new IPAddress(data.Slice(22, 16)), null, vid);
            default:
                throw new ArgumentOutOfRangeException(nameof(variant), variant, "not a TOA layout");
        }
    }

    /// <summary>An option of which tcpdump printed only the first two data bytes (<c>exp-3039</c>).</summary>
    public static ToaOption PortOnly(int kind, int port, ToaKindMap map)
    {
        // The first field is the client's port in every layout but the VIP one, where it is the virtual port.
        var variants = map.VariantsOf(kind);
        bool vipOnly = variants.Length > 0 && !variants.ToArray().Any(ToaLayout.StartsWithClientPort);
        return vipOnly
            ? new(kind, ToaVariant.ToaVip, null, null, null, port)
            : new(kind, ToaVariant.PortOnly, null, port);
    }
}
