namespace Diag.Linux.Toa;

/// <summary>
/// The layout of a TOA ("TCP option address") after its kind and length bytes; every field is in
/// network byte order. The kind numbers are each deployment's choice (<see cref="ToaKindMap"/>).
/// </summary>
public enum ToaVariant
{
    /// <summary>Client port, client IPv4 (8 bytes with kind and length). Kind 200 in the original LVS
    /// FULLNAT toa (Tencent/TencentOS-kernel net/toa/toa.h, UCloud); kind 254 in alibaba/LVS
    /// kernel/net/toa/toa.h, iqiyi/dpvs kmod/toa/toa.h, huaweicloud/elb-toa src/toa.h and baidu/ttm bce_ttm.h.</summary>
    Toa,

    /// <summary>Client port, client IPv6 (20 bytes). Kind 254 in iqiyi/dpvs (toa_ip6_data) and Anolis
    /// net/vtoa/vtoa.h (TCPOPT_TOA_V6_EX); kind 253 in huaweicloud/elb-toa and Anolis vtoa.h (TCPOPT_TOA_V6).</summary>
    ToaV6,

    /// <summary>Virtual port, virtual IPv4: the service address the client connected to (8 bytes).
    /// Kind 250, Anolis net/vtoa/vtoa.h (TCPOPT_TOA_VIP, struct toa_vip_data); sent alone or beside a
    /// kind-254 TOA.</summary>
    ToaVip,

    /// <summary>Client port, client IPv4, VPC id, virtual IPv4, virtual port, 2 bytes padding (20 bytes).
    /// Kind 252, Anolis net/vtoa/vtoa.h (TCPOPT_VTOA, struct vtoa_data).</summary>
    Vtoa,

    /// <summary>Client port, client IPv6, VPC id (24 bits) and a reserved byte, virtual IPv6 (40 bytes).
    /// Kind 249, Anolis net/vtoa/vtoa.h (TCPOPT_V6VTOA, struct v6vtoa_data).</summary>
    V6Vtoa,

    /// <summary>Only the port is known: tcpdump 4.5 and later print kind 254 as an RFC 6994 experimental
    /// option (<c>exp-3039</c>) and drop the address. A hex dump (<c>tcpdump -x</c>) or the capture file
    /// has it.</summary>
    PortOnly,
}
