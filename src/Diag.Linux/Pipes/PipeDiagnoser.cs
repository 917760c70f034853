using System.Globalization;
using Diag.Linux.Netlink;

namespace Diag.Linux.Pipes;

/// <summary>
/// Decides what is wrong with a pipe, FIFO or Unix socket descriptor from what a scan found, and says it in
/// words a person acts on. Pure: everything it needs is in <see cref="PipeFacts"/> or <see cref="SocketFacts"/>.
/// </summary>
internal static class PipeDiagnoser
{
    /// <summary>PIPE_BUF: the kernel writes up to this many bytes at once or not at all, so a pipe with less
    /// room than this blocks a writer of that size: it is full.</summary>
    public const int PipeBuf = 4096;

    public static (PipeDiagnosis Diagnosis, string Message) Diagnose(PipeFacts f)
    {
        var s = f.Subject;
        var readers = f.Holders.Where(h => h.Reads).ToList();
        var writers = f.Holders.Where(h => h.Writes).ToList();
        bool full = IsFull(f);
        string caveat = Caveat(f.UninspectedProcesses);

        if (s.Writes && readers.Count == 0)
            return (PipeDiagnosis.NoReader, Invariant($"fd {s.Fd} writes to a pipe nobody reads: the next write fails with EPIPE, and SIGPIPE kills the process unless it ignores it") +
                (f.BufferedBytes is > 0 ? Invariant($"; {f.BufferedBytes} bytes written earlier were never read") : "") + "." + caveat);
        if (!s.Writes && writers.Count == 0)
            return (PipeDiagnosis.NoWriter, Invariant($"fd {s.Fd} reads a pipe nobody writes: reads return ") +
                (f.BufferedBytes is > 0 ? Invariant($"the {f.BufferedBytes} bytes still buffered, then end of file.") : "end of file.") + caveat);
        if (IsSelfLoop(f, full))
            return (PipeDiagnosis.SelfLoop, SelfLoopText(f, readers) + caveat);
        if (full)
            return (PipeDiagnosis.Full, FullText(f, readers, writers));
        return (PipeDiagnosis.Ok, OkText(f, readers, writers));
    }

    public static (PipeDiagnosis Diagnosis, string Message) Diagnose(SocketFacts f)
    {
        var so = f.Socket;
        int fd = f.Subject.Fd;
        if (so.IsListening)
        {
            // unix_recvq_full: connect() waits once more than the backlog are queued.
            if (so.SendQueue > 0 && so.ReceiveQueue > so.SendQueue)
                return (PipeDiagnosis.Full, Invariant($"the accept queue of {Address(so.Name)} is full ({so.ReceiveQueue} connections wait, backlog {so.SendQueue}): ") +
                    "new connections block, or fail with EAGAIN, until this process accepts.");
            return (PipeDiagnosis.Ok, Invariant($"listening on {Address(so.Name)}") +
                (so.ReceiveQueue > 0 ? Invariant($"; {Count(so.ReceiveQueue, "connection")} waiting to be accepted") : "") + ".");
        }
        if (so.PeerInode is null)
            return (PipeDiagnosis.Ok, (so.Name is null ? "not connected" : Invariant($"bound to {Address(so.Name)}, not connected")) +
                (so.Type == UnixSocketInfo.SOCK_DGRAM ? " (datagrams name their destination)." : "."));
        if (so.PeerInode == 0)
        {
            // The kernel reports 0 for a peer with no file: not yet accepted (it waits in a listener's queue), or closed.
            if (f.Listener is { } listener)
                return (PipeDiagnosis.Ok, Invariant($"connected to {Address(listener.Name)}, waiting to be accepted by ") +
                    (f.ListenerHolders.Count > 0 ? Describe(f.ListenerHolders, f.Subject.ProcessId) : "a listener no inspected process holds") + "." + Caveat(f.ListenerHolders.Count > 0 ? 0 : f.UninspectedProcesses));
            return (PipeDiagnosis.PeerClosed, "the other end was closed: reads return " +
                (so.ReceiveQueue > 0 ? Invariant($"the {so.ReceiveQueue} bytes still queued, then end of file") : "end of file") + ", writes fail with EPIPE.");
        }

        string peer = f.PeerHolders.Count > 0 ? Describe(f.PeerHolders, f.Subject.ProcessId)
            : Invariant($"socket {so.PeerInode}, which no inspected process holds (in flight in a message, or in a process not inspected)");
        bool ownWriterBlocked = f.Blocked.Any(b => b.DirectionValue == EndpointAccess.Write && !IsPeerHolder(f, b));
        bool peerWriterBlocked = f.Blocked.Any(b => b.DirectionValue == EndpointAccess.Write && IsPeerHolder(f, b));
        bool cannotSend = so.SendBuffer is uint sendBuffer && sendBuffer > 0 && so.SendQueue >= sendBuffer;
        bool peerCannotSend = f.Peer is { SendBuffer: uint peerBuffer } p && peerBuffer > 0 && p.SendQueue >= peerBuffer;
        if (cannotSend || ownWriterBlocked)
            return (PipeDiagnosis.Full, Invariant($"fd {fd} cannot send: ") +
                (f.Peer is { ReceiveQueue: > 0 } q ? Invariant($"{q.ReceiveQueue} bytes it sent wait unread at {peer}") : Invariant($"what it sent waits unread at {peer}")) +
                "; writes block until that end reads." + BlockedText(f.Blocked));
        if (peerCannotSend || peerWriterBlocked)
            return (PipeDiagnosis.Full, Invariant($"{so.ReceiveQueue} bytes wait unread on fd {fd}; {peer} is blocked sending until this process reads them.") + BlockedText(f.Blocked));
        string path = Address(so.Name ?? f.Peer?.Name, orEmpty: true);
        return (PipeDiagnosis.Ok, Invariant($"connected to {peer}") + (path.Length > 0 ? " via " + path : "") +
            (so.ReceiveQueue > 0 ? Invariant($"; {so.ReceiveQueue} bytes waiting to be read") : "") + ".");
    }

    private static bool IsPeerHolder(SocketFacts f, BlockedThread b) =>
        f.PeerHolders.Any(h => h.ProcessId == b.ProcessId && h.Fd == b.FileDescriptor);

    private static bool IsFull(PipeFacts f) =>
        f.Blocked.Any(b => b.DirectionValue == EndpointAccess.Write)
        || (f.BufferedBytes is long buffered && f.Capacity is long capacity && capacity - buffered < PipeBuf);

    /// <summary>
    /// The process writes the pipe through a write-only descriptor, nobody but itself reads it, and it is not
    /// reading it (no thread blocked in a read of it): a leaked read end, once either the pipe is full (or a
    /// writer blocked) or what it writes is its own stdout or stderr. A pipe the process keeps to itself that is
    /// neither is how runtimes and event loops wake their own threads (.NET, glib, libuv): not flagged while it
    /// has room. Nor is a self-pipe whose write ends are all non-blocking: its writes fail with EAGAIN, never block.
    /// </summary>
    internal static bool IsSelfLoopCandidate(int pid, IReadOnlyList<Holder> holders) =>
        holders.Any(h => h.ProcessId == pid && h.Access == EndpointAccess.Write)
        && holders.Any(h => h.Reads) && holders.Where(h => h.Reads).All(r => r.ProcessId == pid);

    private static bool IsSelfLoop(PipeFacts f, bool full)
    {
        int pid = f.Subject.ProcessId;
        return IsSelfLoopCandidate(pid, f.Holders)
               && !f.Blocked.Any(b => b.ProcessId == pid && b.DirectionValue == EndpointAccess.Read)
               && !f.SubjectProcessWritesNonBlocking
               && (full || f.Holders.Any(h => h.ProcessId == pid && h.Access == EndpointAccess.Write && h.Fd <= 2));
    }

    private static string SelfLoopText(PipeFacts f, List<Holder> readers)
    {
        var s = f.Subject;
        string block = Invariant($"Nobody else will read it: writes block forever once the pipe is full{FillText(f, " (it holds {0} of {1} bytes)")}.") + BlockedText(f.Blocked);
        if (s.Access == EndpointAccess.Write)
            return Invariant($"fd {s.Fd} writes to a pipe whose only reader is this process's own {Fds(readers)}; a parent probably leaked it. ") + block;
        var writeFds = f.Holders.Where(h => h.ProcessId == s.ProcessId && h.Writes && h.Fd != s.Fd).ToList();
        return Invariant($"fd {s.Fd} is the only reader of a pipe this process writes to ({Fds(writeFds)}) and does not read; a parent probably leaked it. ") + block;
    }

    private static string FullText(PipeFacts f, List<Holder> readers, List<Holder> writers)
    {
        var s = f.Subject;
        string fill = FillText(f, " ({0} of {1} bytes)");
        if (s.Writes && s.Access != EndpointAccess.ReadWrite)
            return Invariant($"the pipe is full{fill}: writes block until {Describe(readers, s.ProcessId)} reads.") + BlockedText(f.Blocked);
        var others = writers.Where(w => w.ProcessId != s.ProcessId || w.Fd != s.Fd).ToList();
        return Invariant($"the pipe is full{fill} and this process has not read it from fd {s.Fd}") +
            (others.Count > 0 ? Invariant($": {Describe(others, s.ProcessId)} waits to write.") : ".") + BlockedText(f.Blocked);
    }

    private static string OkText(PipeFacts f, List<Holder> readers, List<Holder> writers)
    {
        var s = f.Subject;
        int pid = s.ProcessId;
        string buffered = f.BufferedBytes is > 0 ? Invariant($"; {f.BufferedBytes} bytes buffered") : "";
        if (s.Access == EndpointAccess.ReadWrite)
        {
            var others = f.Holders.Where(h => h.ProcessId != pid || h.Fd != s.Fd).ToList();
            return "open for reading and writing" + (others.Count > 0 ? "; also held by " + Describe(others, pid) : " by this process alone") + buffered + ".";
        }
        if (s.Writes)
        {
            if (readers.All(r => r.ProcessId == pid))
            {
                var reading = f.Blocked.FirstOrDefault(b => b.ProcessId == pid && b.DirectionValue == EndpointAccess.Read);
                return (reading is not null ? Invariant($"written and read by this process itself: thread {reading.ThreadId} is reading it")
                    : f.SubjectProcessWritesNonBlocking ? "a self-pipe: this process writes it without blocking and reads it itself (an event loop's wake-up pipe)"
                    : Invariant($"written and read only by this process ({Fds(readers)}): a wake-up pipe between its threads, or a leaked read end; if it never reads it, writes block once the pipe is full")) +
                    buffered + ".";
            }
            var ownReadOnly = readers.Where(r => r.ProcessId == pid && r.Access == EndpointAccess.Read).ToList();
            return Invariant($"writes to {Describe(readers.Where(r => r.ProcessId != pid), pid)}") + buffered +
                (ownReadOnly.Count > 0
                    ? Invariant($"; this process also holds a read end itself ({Fds(ownReadOnly)}), probably leaked: if the other readers exit, its writes will block forever")
                    : "") + ".";
        }
        return Invariant($"reads from {Describe(writers, pid)}") + buffered + ".";
    }

    /// <summary>"1235 sort (fd 0), this process (fds 1, 2)": holders grouped by process.</summary>
    internal static string Describe(IEnumerable<Holder> holders, int selfPid) =>
        string.Join(", ", holders.GroupBy(h => h.ProcessId).Select(g =>
            (g.Key == selfPid ? "this process" : Invariant($"{g.Key} {g.First().ProcessName}")) + " (" + Fds(g.ToList()) + ")"));

    private static string Fds(IReadOnlyCollection<Holder> holders) =>
        (holders.Count == 1 ? "fd " : "fds ") + string.Join(", ", holders.Select(h => h.Fd.ToString(CultureInfo.InvariantCulture)));

    private static string FillText(PipeFacts f, string format) =>
        f.BufferedBytes is long buffered && f.Capacity is long capacity ? string.Format(CultureInfo.InvariantCulture, format, buffered, capacity) : "";

    private static string BlockedText(IReadOnlyList<BlockedThread> blocked) => blocked.Count switch
    {
        0 => "",
        1 => Invariant($" Thread {blocked[0].ThreadId} ({blocked[0].ProcessName}) is blocked in {blocked[0].Syscall}({blocked[0].FileDescriptor})."),
        _ => " Blocked: " + string.Join(", ", blocked.Select(b => b.ToString())) + ".",
    };

    private static string Caveat(int uninspected) => uninspected == 0 ? ""
        : Invariant($" ({Count(uninspected, "process")} could not be inspected; one of them may hold the other end.)");

    private static string Count(long n, string noun) =>
        Invariant($"{n} {noun}") + (n == 1 ? "" : noun.EndsWith('s') ? "es" : "s");

    private static string Address(string? name, bool orEmpty = false) => name ?? (orEmpty ? "" : "an unnamed socket");

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
