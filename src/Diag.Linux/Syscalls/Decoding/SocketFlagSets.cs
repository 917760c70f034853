// Values generated from the x86_64 Linux UAPI headers in /usr/include (sys/socket.h, netinet/in.h, netinet/tcp.h (glibc, matching linux/socket.h)) with a C program
// printing each macro, so they are the compiler's values, not transcriptions.
namespace Diag.Linux.Syscalls.Decoding;

/// <summary>Address families, socket types, protocols, message flags and socket options.</summary>
internal static class SocketFlagSets
{
    /// <summary>Address families (AF_*).</summary>
    public static readonly ValueNames AddressFamilies = new(
        ("AF_UNSPEC", 0),
        ("AF_UNIX", 1),
        ("AF_INET", 2),
        ("AF_AX25", 3),
        ("AF_IPX", 4),
        ("AF_APPLETALK", 5),
        ("AF_NETROM", 6),
        ("AF_BRIDGE", 7),
        ("AF_ATMPVC", 8),
        ("AF_X25", 9),
        ("AF_INET6", 10),
        ("AF_ROSE", 11),
        ("AF_DECnet", 12),
        ("AF_NETBEUI", 13),
        ("AF_SECURITY", 14),
        ("AF_KEY", 15),
        ("AF_NETLINK", 16),
        ("AF_PACKET", 17),
        ("AF_ASH", 18),
        ("AF_ECONET", 19),
        ("AF_ATMSVC", 20),
        ("AF_RDS", 21),
        ("AF_SNA", 22),
        ("AF_IRDA", 23),
        ("AF_PPPOX", 24),
        ("AF_WANPIPE", 25),
        ("AF_LLC", 26),
        ("AF_IB", 27),
        ("AF_MPLS", 28),
        ("AF_CAN", 29),
        ("AF_TIPC", 30),
        ("AF_BLUETOOTH", 31),
        ("AF_IUCV", 32),
        ("AF_RXRPC", 33),
        ("AF_ISDN", 34),
        ("AF_PHONET", 35),
        ("AF_IEEE802154", 36),
        ("AF_CAIF", 37),
        ("AF_ALG", 38),
        ("AF_NFC", 39),
        ("AF_VSOCK", 40),
        ("AF_KCM", 41),
        ("AF_QIPCRTR", 42),
        ("AF_SMC", 43),
        ("AF_XDP", 44),
        ("AF_MCTP", 45));

    public const int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;

    /// <summary>Socket types (type &amp; 0xf).</summary>
    public static readonly ValueNames SocketTypes = new(
        ("SOCK_STREAM", 1),
        ("SOCK_DGRAM", 2),
        ("SOCK_RAW", 3),
        ("SOCK_RDM", 4),
        ("SOCK_SEQPACKET", 5),
        ("SOCK_DCCP", 6),
        ("SOCK_PACKET", 10));

    public const ulong SocketTypeMask = 0xf;

    /// <summary>socket/socketpair/accept4 flags (SOCK_NONBLOCK, SOCK_CLOEXEC).</summary>
    public static readonly FlagSet SocketTypeFlags = new("0",
        ("SOCK_NONBLOCK", 0x800),
        ("SOCK_CLOEXEC", 0x80000));

    /// <summary>IP protocols (IPPROTO_*).</summary>
    public static readonly ValueNames IpProtocols = new(
        ("IPPROTO_IP", 0),
        ("IPPROTO_ICMP", 1),
        ("IPPROTO_IGMP", 2),
        ("IPPROTO_IPIP", 4),
        ("IPPROTO_TCP", 6),
        ("IPPROTO_EGP", 8),
        ("IPPROTO_PUP", 12),
        ("IPPROTO_UDP", 17),
        ("IPPROTO_IDP", 22),
        ("IPPROTO_TP", 29),
        ("IPPROTO_DCCP", 33),
        ("IPPROTO_IPV6", 41),
        ("IPPROTO_RSVP", 46),
        ("IPPROTO_GRE", 47),
        ("IPPROTO_ESP", 50),
        ("IPPROTO_AH", 51),
        ("IPPROTO_ICMPV6", 58),
        ("IPPROTO_MTP", 92),
        ("IPPROTO_BEETPH", 94),
        ("IPPROTO_ENCAP", 98),
        ("IPPROTO_PIM", 103),
        ("IPPROTO_COMP", 108),
        ("IPPROTO_SCTP", 132),
        ("IPPROTO_UDPLITE", 136),
        ("IPPROTO_MPLS", 137),
        ("IPPROTO_ETHERNET", 143),
        ("IPPROTO_RAW", 255),
        ("IPPROTO_MPTCP", 262));

    /// <summary>send/recv flags (MSG_*).</summary>
    public static readonly FlagSet MessageFlags = new("0",
        ("MSG_OOB", 0x1),
        ("MSG_PEEK", 0x2),
        ("MSG_DONTROUTE", 0x4),
        ("MSG_CTRUNC", 0x8),
        ("MSG_PROXY", 0x10),
        ("MSG_TRUNC", 0x20),
        ("MSG_DONTWAIT", 0x40),
        ("MSG_EOR", 0x80),
        ("MSG_WAITALL", 0x100),
        ("MSG_FIN", 0x200),
        ("MSG_SYN", 0x400),
        ("MSG_CONFIRM", 0x800),
        ("MSG_RST", 0x1000),
        ("MSG_ERRQUEUE", 0x2000),
        ("MSG_NOSIGNAL", 0x4000),
        ("MSG_MORE", 0x8000),
        ("MSG_WAITFORONE", 0x10000),
        ("MSG_BATCH", 0x40000),
        ("MSG_ZEROCOPY", 0x4000000),
        ("MSG_FASTOPEN", 0x20000000),
        ("MSG_CMSG_CLOEXEC", 0x40000000));

    /// <summary>shutdown how.</summary>
    public static readonly ValueNames ShutdownHow = new(
        ("SHUT_RD", 0),
        ("SHUT_WR", 1),
        ("SHUT_RDWR", 2));

    /// <summary>setsockopt/getsockopt levels.</summary>
    public static readonly ValueNames SocketLevels = new(
        ("SOL_SOCKET", 1),
        ("SOL_IP", 0),
        ("SOL_TCP", 6),
        ("SOL_UDP", 17),
        ("SOL_IPV6", 41),
        ("SOL_RAW", 255),
        ("SOL_PACKET", 263),
        ("SOL_NETLINK", 270),
        ("SOL_TLS", 282));

    public const int SOL_SOCKET = 1, SOL_TCP = 6;

    /// <summary>SOL_SOCKET option names (SO_*; the _OLD time options are what x86_64 uses as SO_RCVTIMEO etc.).</summary>
    public static readonly ValueNames SocketOptions = new(
        ("SO_DEBUG", 1),
        ("SO_REUSEADDR", 2),
        ("SO_TYPE", 3),
        ("SO_ERROR", 4),
        ("SO_DONTROUTE", 5),
        ("SO_BROADCAST", 6),
        ("SO_SNDBUF", 7),
        ("SO_RCVBUF", 8),
        ("SO_SNDBUFFORCE", 32),
        ("SO_RCVBUFFORCE", 33),
        ("SO_KEEPALIVE", 9),
        ("SO_OOBINLINE", 10),
        ("SO_NO_CHECK", 11),
        ("SO_PRIORITY", 12),
        ("SO_LINGER", 13),
        ("SO_BSDCOMPAT", 14),
        ("SO_REUSEPORT", 15),
        ("SO_PASSCRED", 16),
        ("SO_PEERCRED", 17),
        ("SO_RCVLOWAT", 18),
        ("SO_SNDLOWAT", 19),
        ("SO_RCVTIMEO", 20),
        ("SO_SNDTIMEO", 21),
        ("SO_BINDTODEVICE", 25),
        ("SO_ATTACH_FILTER", 26),
        ("SO_DETACH_FILTER", 27),
        ("SO_PEERNAME", 28),
        ("SO_TIMESTAMP", 29),
        ("SO_ACCEPTCONN", 30),
        ("SO_PEERSEC", 31),
        ("SO_PASSSEC", 34),
        ("SO_TIMESTAMPNS", 35),
        ("SO_MARK", 36),
        ("SO_TIMESTAMPING", 37),
        ("SO_PROTOCOL", 38),
        ("SO_DOMAIN", 39),
        ("SO_RXQ_OVFL", 40),
        ("SO_WIFI_STATUS", 41),
        ("SO_PEEK_OFF", 42),
        ("SO_NOFCS", 43),
        ("SO_LOCK_FILTER", 44),
        ("SO_SELECT_ERR_QUEUE", 45),
        ("SO_BUSY_POLL", 46),
        ("SO_MAX_PACING_RATE", 47),
        ("SO_BPF_EXTENSIONS", 48),
        ("SO_INCOMING_CPU", 49),
        ("SO_ATTACH_BPF", 50),
        ("SO_ATTACH_REUSEPORT_CBPF", 51),
        ("SO_ATTACH_REUSEPORT_EBPF", 52),
        ("SO_CNX_ADVICE", 53),
        ("SO_MEMINFO", 55),
        ("SO_INCOMING_NAPI_ID", 56),
        ("SO_COOKIE", 57),
        ("SO_PEERGROUPS", 59),
        ("SO_ZEROCOPY", 60),
        ("SO_TXTIME", 61),
        ("SO_BINDTOIFINDEX", 62),
        ("SO_TIMESTAMP_NEW", 63),
        ("SO_TIMESTAMPNS_NEW", 64),
        ("SO_TIMESTAMPING_NEW", 65),
        ("SO_RCVTIMEO_NEW", 66),
        ("SO_SNDTIMEO_NEW", 67),
        ("SO_DETACH_REUSEPORT_BPF", 68),
        ("SO_PREFER_BUSY_POLL", 69),
        ("SO_BUSY_POLL_BUDGET", 70),
        ("SO_NETNS_COOKIE", 71),
        ("SO_BUF_LOCK", 72),
        ("SO_RESERVE_MEM", 73),
        ("SO_TXREHASH", 74),
        ("SO_RCVMARK", 75));

    /// <summary>IPPROTO_TCP option names (TCP_*).</summary>
    public static readonly ValueNames TcpOptions = new(
        ("TCP_NODELAY", 1),
        ("TCP_MAXSEG", 2),
        ("TCP_CORK", 3),
        ("TCP_KEEPIDLE", 4),
        ("TCP_KEEPINTVL", 5),
        ("TCP_KEEPCNT", 6),
        ("TCP_SYNCNT", 7),
        ("TCP_LINGER2", 8),
        ("TCP_DEFER_ACCEPT", 9),
        ("TCP_WINDOW_CLAMP", 10),
        ("TCP_INFO", 11),
        ("TCP_QUICKACK", 12),
        ("TCP_CONGESTION", 13),
        ("TCP_MD5SIG", 14),
        ("TCP_THIN_LINEAR_TIMEOUTS", 16),
        ("TCP_THIN_DUPACK", 17),
        ("TCP_USER_TIMEOUT", 18),
        ("TCP_REPAIR", 19),
        ("TCP_REPAIR_QUEUE", 20),
        ("TCP_QUEUE_SEQ", 21),
        ("TCP_REPAIR_OPTIONS", 22),
        ("TCP_FASTOPEN", 23),
        ("TCP_TIMESTAMP", 24),
        ("TCP_NOTSENT_LOWAT", 25),
        ("TCP_CC_INFO", 26),
        ("TCP_SAVE_SYN", 27),
        ("TCP_SAVED_SYN", 28),
        ("TCP_REPAIR_WINDOW", 29),
        ("TCP_FASTOPEN_CONNECT", 30),
        ("TCP_ULP", 31),
        ("TCP_MD5SIG_EXT", 32),
        ("TCP_FASTOPEN_KEY", 33),
        ("TCP_FASTOPEN_NO_COOKIE", 34),
        ("TCP_ZEROCOPY_RECEIVE", 35),
        ("TCP_INQ", 36),
        ("TCP_TX_DELAY", 37));

    public const int SOL_IP = 0, SOL_IPV6 = 41, AF_NETLINK = 16;

    /// <summary>SOL_IP option names (IP_*).</summary>
    public static readonly ValueNames IpOptions = new(
        ("IP_TOS", 0x1), ("IP_TTL", 0x2), ("IP_HDRINCL", 0x3), ("IP_OPTIONS", 0x4), ("IP_RECVOPTS", 0x6),
        ("IP_RETOPTS", 0x7), ("IP_PKTINFO", 0x8), ("IP_MTU_DISCOVER", 0xa), ("IP_RECVERR", 0xb),
        ("IP_RECVTTL", 0xc), ("IP_RECVTOS", 0xd), ("IP_MTU", 0xe), ("IP_FREEBIND", 0xf),
        ("IP_TRANSPARENT", 0x13), ("IP_RECVORIGDSTADDR", 0x14), ("IP_BIND_ADDRESS_NO_PORT", 0x18),
        ("IP_MULTICAST_IF", 0x20), ("IP_MULTICAST_TTL", 0x21), ("IP_MULTICAST_LOOP", 0x22),
        ("IP_ADD_MEMBERSHIP", 0x23), ("IP_DROP_MEMBERSHIP", 0x24));

    /// <summary>SOL_IPV6 option names (IPV6_*).</summary>
    public static readonly ValueNames Ipv6Options = new(
        ("IPV6_UNICAST_HOPS", 0x10), ("IPV6_MULTICAST_IF", 0x11), ("IPV6_MULTICAST_HOPS", 0x12),
        ("IPV6_MULTICAST_LOOP", 0x13), ("IPV6_MTU_DISCOVER", 0x17), ("IPV6_MTU", 0x18), ("IPV6_RECVERR", 0x19),
        ("IPV6_V6ONLY", 0x1a), ("IPV6_RECVPKTINFO", 0x31), ("IPV6_PKTINFO", 0x32), ("IPV6_RECVTCLASS", 0x42),
        ("IPV6_TCLASS", 0x43));

    /// <summary>AF_NETLINK protocols (NETLINK_*).</summary>
    public static readonly ValueNames NetlinkProtocols = new(
        ("NETLINK_ROUTE", 0), ("NETLINK_UNUSED", 1), ("NETLINK_USERSOCK", 2), ("NETLINK_FIREWALL", 3),
        ("NETLINK_SOCK_DIAG", 4), ("NETLINK_NFLOG", 5), ("NETLINK_XFRM", 6), ("NETLINK_SELINUX", 7),
        ("NETLINK_ISCSI", 8), ("NETLINK_AUDIT", 9), ("NETLINK_FIB_LOOKUP", 10), ("NETLINK_CONNECTOR", 11),
        ("NETLINK_NETFILTER", 12), ("NETLINK_IP6_FW", 13), ("NETLINK_DNRTMSG", 14), ("NETLINK_KOBJECT_UEVENT", 15),
        ("NETLINK_GENERIC", 16), ("NETLINK_SCSITRANSPORT", 18), ("NETLINK_ECRYPTFS", 19), ("NETLINK_RDMA", 20),
        ("NETLINK_CRYPTO", 21));
}
