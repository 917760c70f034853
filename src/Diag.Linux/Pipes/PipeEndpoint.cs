using System.Globalization;
using Diag.Linux.Output;

namespace Diag.Linux.Pipes;

/// <summary>
/// One file descriptor of a process on a pipe, FIFO or Unix socket: who is at the other end, how full the
/// pipe is, which threads are blocked on it, and what is wrong. Immutable; nested objects are small arrays
/// of <see cref="PipePeer"/> and <see cref="BlockedThread"/>, so it survives PowerShell remoting.
/// </summary>
public sealed class PipeEndpoint
{
    /// <summary>The process holding the descriptor.</summary>
    public int ProcessId { get; internal init; }

    /// <summary>Its name (comm, or the untruncated executable name as Get-Process shows it).</summary>
    public string ProcessName { get; internal init; } = "";

    /// <summary>The descriptor number.</summary>
    public int FileDescriptor { get; internal init; }

    /// <summary>Pipe, Fifo, UnixStream, UnixDatagram or UnixSeqPacket.</summary>
    public string Kind => KindValue.ToString();

    internal EndpointKind KindValue { get; init; }

    /// <summary>The inode lsof shows (pipe:[N], socket:[N], or the FIFO's inode): every holder of the same
    /// pipe or socket has the same one; -Inode finds them all.</summary>
    public long Inode { get; internal init; }

    /// <summary>A FIFO's path; a Unix socket's address (its own, or the one it is connected to), "@name" for
    /// an abstract one; null when there is none.</summary>
    public string? Path { get; internal init; }

    /// <summary>Read, Write or ReadWrite, from the mode the descriptor was opened with.</summary>
    public string Access => AccessValue.ToString();

    internal EndpointAccess AccessValue { get; init; }

    /// <summary>Who is at the other end: for a pipe or FIFO, the descriptors that move data the other way
    /// (the readers of a write end, the writers of a read end, every other holder of a ReadWrite one),
    /// including this process's own; for a socket, the holders of the socket it is connected to.</summary>
    public ItemList<PipePeer> Peers { get; internal init; } = ItemList<PipePeer>.Empty;

    /// <summary>Bytes waiting in the pipe (FIONREAD), or for a socket in its receive queue (for a datagram socket,
    /// the size of the next datagram); null when not readable.</summary>
    public long? BufferedBytes { get; internal init; }

    /// <summary>The pipe's size (F_GETPIPE_SZ, 65536 by default); null for sockets or when not readable.</summary>
    public long? Capacity { get; internal init; }

    /// <summary>Threads of any holder blocked reading or writing this pipe, or either end of this socket connection.</summary>
    public ItemList<BlockedThread> BlockedThreads { get; internal init; } = ItemList<BlockedThread>.Empty;

    /// <summary>What is wrong, if anything.</summary>
    public string Diagnosis => DiagnosisValue.ToString();

    internal PipeDiagnosis DiagnosisValue { get; init; }

    /// <summary>The diagnosis in words, with the evidence: who holds what, how full, who is blocked.</summary>
    public string Message { get; internal init; } = "";

    /// <summary>"2509 php fd 1w Pipe SelfLoop: …" — the row and its message on one line.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{ProcessId} {ProcessName} fd {FileDescriptor}{PipePeer.AccessLetter(AccessValue)} {Kind} {Diagnosis}: {Message}");
}
