namespace Diag.Linux.Netlink;

/// <summary>One Unix domain socket as sock_diag reports it (linux/unix_diag.h).</summary>
internal sealed class UnixSocketInfo
{
    public const byte SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
    public const byte TCP_ESTABLISHED = 1, TCP_CLOSE = 7, TCP_LISTEN = 10;

    public uint Inode { get; init; }

    /// <summary>SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET.</summary>
    public byte Type { get; init; }

    /// <summary>TCP_ESTABLISHED (connected), TCP_LISTEN, or TCP_CLOSE (unconnected).</summary>
    public byte State { get; init; }

    /// <summary>The bound address: a path, "@name" for an abstract one, null when unbound.</summary>
    public string? Name { get; init; }

    /// <summary>UNIX_DIAG_PEER: the connected socket's inode; 0 when that socket has no file any more (closed,
    /// or not yet accepted); null when not connected.</summary>
    public uint? PeerInode { get; init; }

    /// <summary>For a listener, the inodes of the client sockets waiting in its accept queue (UNIX_DIAG_ICONS).</summary>
    public uint[] PendingClients { get; init; } = Array.Empty<uint>();

    /// <summary>UNIX_DIAG_RQLEN: bytes waiting to be read (a listener: connections waiting to be accepted).</summary>
    public uint ReceiveQueue { get; init; }

    /// <summary>UNIX_DIAG_RQLEN: bytes sent and not yet read by the peer, as charged to this socket (sk_wmem_alloc;
    /// a listener: its backlog limit).</summary>
    public uint SendQueue { get; init; }

    /// <summary>SO_SNDBUF from UNIX_DIAG_MEMINFO: a sender blocks once <see cref="SendQueue"/> reaches it; null when absent.</summary>
    public uint? SendBuffer { get; init; }

    /// <summary>UNIX_DIAG_SHUTDOWN: bit 0 no more receives, bit 1 no more sends (both once the peer closed).</summary>
    public byte Shutdown { get; init; }

    public bool IsListening => State == TCP_LISTEN;
}
