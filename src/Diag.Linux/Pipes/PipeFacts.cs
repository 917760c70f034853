using Diag.Linux.Netlink;

namespace Diag.Linux.Pipes;

/// <summary>One descriptor on a pipe, FIFO or socket, with its process's name.</summary>
internal readonly record struct Holder(int ProcessId, string ProcessName, int Fd, EndpointAccess Access)
{
    public bool Reads => (Access & EndpointAccess.Read) != 0;

    public bool Writes => (Access & EndpointAccess.Write) != 0;

    public PipePeer ToPeer() => new() { ProcessId = ProcessId, ProcessName = ProcessName, FileDescriptor = Fd, AccessValue = Access };
}

/// <summary>What is known of one pipe or FIFO, seen from one of its descriptors: the input of
/// <see cref="PipeDiagnoser.Diagnose(PipeFacts)"/>.</summary>
internal sealed class PipeFacts
{
    /// <summary>The descriptor the diagnosis is for.</summary>
    public required Holder Subject { get; init; }

    /// <summary>Every descriptor on the pipe, the subject's included.</summary>
    public required IReadOnlyList<Holder> Holders { get; init; }

    public long? BufferedBytes { get; init; }

    public long? Capacity { get; init; }

    /// <summary>Threads of any holder blocked reading or writing the pipe.</summary>
    public IReadOnlyList<BlockedThread> Blocked { get; init; } = Array.Empty<BlockedThread>();

    /// <summary>Every write-only descriptor of the subject's process on the pipe is O_NONBLOCK (a self-pipe's
    /// write end is: a signal handler must never block on it).</summary>
    public bool SubjectProcessWritesNonBlocking { get; init; }

    /// <summary>Processes whose descriptors could not be read: one may hold an end this scan did not see.</summary>
    public int UninspectedProcesses { get; init; }
}

/// <summary>What is known of one Unix socket, seen from one of its descriptors: the input of
/// <see cref="PipeDiagnoser.Diagnose(SocketFacts)"/>.</summary>
internal sealed class SocketFacts
{
    public required Holder Subject { get; init; }

    public required UnixSocketInfo Socket { get; init; }

    /// <summary>The socket it is connected to, when it is connected and that socket is still open.</summary>
    public UnixSocketInfo? Peer { get; init; }

    /// <summary>The descriptors on <see cref="Peer"/>.</summary>
    public IReadOnlyList<Holder> PeerHolders { get; init; } = Array.Empty<Holder>();

    /// <summary>For a connection still waiting in a listener's accept queue: the listener.</summary>
    public UnixSocketInfo? Listener { get; init; }

    /// <summary>The descriptors on <see cref="Listener"/>.</summary>
    public IReadOnlyList<Holder> ListenerHolders { get; init; } = Array.Empty<Holder>();

    /// <summary>Threads of any holder of either end blocked reading or writing it.</summary>
    public IReadOnlyList<BlockedThread> Blocked { get; init; } = Array.Empty<BlockedThread>();

    public int UninspectedProcesses { get; init; }
}
