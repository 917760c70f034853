namespace Diag.Linux.Pipes;

/// <summary>What an endpoint file descriptor is open on.</summary>
public enum EndpointKind
{
    /// <summary>An anonymous pipe (pipe(2); lsof's "FIFO ... pipe").</summary>
    Pipe,

    /// <summary>A named pipe (mkfifo); <see cref="PipeEndpoint.Path"/> is its path.</summary>
    Fifo,

    /// <summary>A Unix domain stream socket (SOCK_STREAM; ss's u_str).</summary>
    UnixStream,

    /// <summary>A Unix domain datagram socket (SOCK_DGRAM; ss's u_dgr).</summary>
    UnixDatagram,

    /// <summary>A Unix domain sequenced-packet socket (SOCK_SEQPACKET; ss's u_seq).</summary>
    UnixSeqPacket,
}
