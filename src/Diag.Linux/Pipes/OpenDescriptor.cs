namespace Diag.Linux.Pipes;

/// <summary>What a descriptor is open on, as far as peers go.</summary>
internal enum ChannelType : byte { Pipe, Fifo, Socket }

/// <summary>Identifies one pipe, FIFO or socket machine-wide: pipes and sockets by their pipefs/sockfs inode
/// (Device 0), FIFOs by their file system's device and inode.</summary>
internal readonly record struct ChannelKey(ChannelType Type, ulong Device, ulong Inode)
{
    public static ChannelKey Pipe(ulong inode) => new(ChannelType.Pipe, 0, inode);

    public static ChannelKey Socket(ulong inode) => new(ChannelType.Socket, 0, inode);
}

/// <summary>One descriptor of one process on a pipe, FIFO or socket. <see cref="Path"/> is the FIFO's path.</summary>
internal readonly record struct OpenDescriptor(int ProcessId, int Fd, ChannelKey Key, EndpointAccess Access, string? Path);
