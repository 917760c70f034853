namespace Diag.Linux.Toa;

/// <summary>The fixed size of each <see cref="ToaVariant"/> and how to describe it in a message.</summary>
internal static class ToaLayout
{
    /// <summary>The option's total length, kind and length bytes included (the value of its length byte).</summary>
    public static int LengthOf(ToaVariant variant) => variant switch
    {
        ToaVariant.Toa => 8,        // |kind|len|port|ipv4|                  1+1+2+4
        ToaVariant.ToaV6 => 20,     // |kind|len|port|ipv6|                  1+1+2+16
        ToaVariant.ToaVip => 8,     // |kind|len|vport|vip|                  1+1+2+4
        ToaVariant.Vtoa => 20,      // |kind|len|cport|cip|vid|vip|vport|pad| 1+1+2+4+4+4+2+2
        ToaVariant.V6Vtoa => 40,    // |kind|len|cport|cip6|vid:24,rsv:8|vip6| 1+1+2+16+4+16
        _ => 0,
    };

    public static string Describe(ToaVariant variant) => variant switch
    {
        ToaVariant.Toa => "port, IPv4",
        ToaVariant.ToaV6 => "port, IPv6",
        ToaVariant.ToaVip => "virtual port, virtual IPv4",
        ToaVariant.Vtoa => "client port, client IPv4, VPC id, virtual IPv4, virtual port",
        ToaVariant.V6Vtoa => "client port, client IPv6, VPC id, virtual IPv6",
        _ => "port",
    };

    /// <summary>True when the variant's first field is the client's port (all but the VIP option).</summary>
    public static bool StartsWithClientPort(ToaVariant variant) => variant != ToaVariant.ToaVip;
}
