namespace Diag.Linux.PacketDrops;

/// <summary>The flags of a TCP segment (byte 13 of its header), as tcpdump names them: <c>Syn</c> is a new
/// connection's first packet, <c>Syn, Ack</c> its answer.</summary>
[Flags]
public enum TcpFlags : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
    Ece = 0x40,
    Cwr = 0x80,
}
