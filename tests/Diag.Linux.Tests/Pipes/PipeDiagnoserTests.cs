using Diag.Linux.Netlink;
using Diag.Linux.Pipes;

namespace Diag.Linux.Tests.Pipes;

/// <summary>The diagnosis rules, case by case, on facts built by hand.</summary>
public sealed class PipeDiagnoserTests
{
    private const int Php = 2509, Supervisord = 1000, Sort = 1235;

    private static Holder H(int pid, int fd, EndpointAccess access, string name = "p") => new(pid, name, fd, access);

    private static BlockedThread Blocked(int pid, int fd, EndpointAccess direction) =>
        new() { ProcessId = pid, ProcessName = "php", ThreadId = pid, FileDescriptor = fd, DirectionValue = direction, Syscall = direction == EndpointAccess.Write ? "write" : "read" };

    private static (PipeDiagnosis Diagnosis, string Message) Pipe(Holder subject, Holder[] holders, long? buffered = 0, long? capacity = 65536,
        BlockedThread[]? blocked = null, bool nonBlocking = false, int uninspected = 0) =>
        PipeDiagnoser.Diagnose(new PipeFacts
        {
            Subject = subject, Holders = holders, BufferedBytes = buffered, Capacity = capacity,
            Blocked = blocked ?? [], SubjectProcessWritesNonBlocking = nonBlocking, UninspectedProcesses = uninspected,
        });

    [Fact]
    public void TheSupervisordLeakIsASelfLoopFromEitherEnd()
    {
        var stdout = H(Php, 1, EndpointAccess.Write, "php");
        Holder[] holders = [stdout, H(Php, 2, EndpointAccess.Write), H(Php, 1066, EndpointAccess.Read), H(Php, 1067, EndpointAccess.Write)];
        var (diagnosis, message) = Pipe(stdout, holders, 65536, 65536, [Blocked(Php, 1, EndpointAccess.Write)]);
        Assert.Equal(PipeDiagnosis.SelfLoop, diagnosis);
        Assert.Equal("fd 1 writes to a pipe whose only reader is this process's own fd 1066; a parent probably leaked it. " +
                     "Nobody else will read it: writes block forever once the pipe is full (it holds 65536 of 65536 bytes). " +
                     "Thread 2509 (php) is blocked in write(1).", message);
        var (fromReadEnd, readMessage) = Pipe(holders[2], holders, 65536, 65536);
        Assert.Equal(PipeDiagnosis.SelfLoop, fromReadEnd);
        Assert.StartsWith("fd 1066 is the only reader of a pipe this process writes to (fds 1, 2, 1067)", readMessage);
    }

    [Fact]
    public void ALeakedReadEndOnStdoutIsASelfLoopBeforeThePipeFills()
    {
        var stdout = H(Php, 1, EndpointAccess.Write);
        Assert.Equal(PipeDiagnosis.SelfLoop, Pipe(stdout, [stdout, H(Php, 1066, EndpointAccess.Read)], buffered: 100).Diagnosis);
    }

    [Fact]
    public void AWakeUpPipeWithRoomIsNotASelfLoop()
    {
        // Runtimes keep both ends of a pipe to wake their own threads (.NET's fds 3 and 4).
        var writeEnd = H(Php, 4, EndpointAccess.Write);
        var (diagnosis, message) = Pipe(writeEnd, [writeEnd, H(Php, 3, EndpointAccess.Read)]);
        Assert.Equal(PipeDiagnosis.Ok, diagnosis);
        Assert.Contains("written and read only by this process (fd 3)", message);
        // ... until it is full: then its writes block for good.
        Assert.Equal(PipeDiagnosis.SelfLoop, Pipe(writeEnd, [writeEnd, H(Php, 3, EndpointAccess.Read)], 65536, 65536).Diagnosis);
    }

    [Fact]
    public void AFullNonBlockingSelfPipeIsFullNotASelfLoop()
    {
        var writeEnd = H(Php, 1, EndpointAccess.Write);
        var (diagnosis, message) = Pipe(writeEnd, [writeEnd, H(Php, 3, EndpointAccess.Read)], 65536, 65536, nonBlocking: true);
        Assert.Equal(PipeDiagnosis.Full, diagnosis); // full, but not a loop: its writes fail with EAGAIN
        Assert.Equal(PipeDiagnosis.Ok, Pipe(writeEnd, [writeEnd, H(Php, 3, EndpointAccess.Read)], 10, 65536, nonBlocking: true).Diagnosis);
        Assert.DoesNotContain("leaked", message);
    }

    [Fact]
    public void APipeOneOfItsThreadsReadsIsOk()
    {
        var stdout = H(Php, 1, EndpointAccess.Write);
        var (diagnosis, message) = Pipe(stdout, [stdout, H(Php, 5, EndpointAccess.Read)], blocked: [new BlockedThread { ProcessId = Php, ThreadId = 2600, FileDescriptor = 5, DirectionValue = EndpointAccess.Read, Syscall = "read" }]);
        Assert.Equal(PipeDiagnosis.Ok, diagnosis);
        Assert.Contains("thread 2600 is reading it", message);
    }

    [Fact]
    public void WhileTheParentStillReadsTheLeakIsOkButNamed()
    {
        var stdout = H(Php, 1, EndpointAccess.Write);
        var (diagnosis, message) = Pipe(stdout, [stdout, H(Php, 1066, EndpointAccess.Read), H(Supervisord, 1066, EndpointAccess.Read, "supervisord")]);
        Assert.Equal(PipeDiagnosis.Ok, diagnosis);
        Assert.Equal("writes to 1000 supervisord (fd 1066); this process also holds a read end itself (fd 1066), probably leaked: " +
                     "if the other readers exit, its writes will block forever.", message);
    }

    [Fact]
    public void NoReaderAndNoWriter()
    {
        var writeEnd = H(Php, 20, EndpointAccess.Write);
        var (noReader, message) = Pipe(writeEnd, [writeEnd], buffered: 5);
        Assert.Equal(PipeDiagnosis.NoReader, noReader);
        Assert.Equal("fd 20 writes to a pipe nobody reads: the next write fails with EPIPE, and SIGPIPE kills the process unless it ignores it; " +
                     "5 bytes written earlier were never read.", message);
        var readEnd = H(Php, 21, EndpointAccess.Read);
        Assert.Equal((PipeDiagnosis.NoWriter, "fd 21 reads a pipe nobody writes: reads return end of file."), Pipe(readEnd, [readEnd]));
    }

    [Fact]
    public void UninspectedProcessesQualifyAMissingEnd()
    {
        var writeEnd = H(Php, 20, EndpointAccess.Write);
        Assert.EndsWith("(3 processes could not be inspected; one of them may hold the other end.)", Pipe(writeEnd, [writeEnd], uninspected: 3).Message);
    }

    [Fact]
    public void FullFromTheFillOrFromABlockedWriter()
    {
        var writer = H(Php, 1, EndpointAccess.Write, "cat");
        var reader = H(Sort, 0, EndpointAccess.Read, "sort");
        var (diagnosis, message) = Pipe(writer, [writer, reader], 65518, 65536); // less than PIPE_BUF free
        Assert.Equal(PipeDiagnosis.Full, diagnosis);
        Assert.Equal("the pipe is full (65518 of 65536 bytes): writes block until 1235 sort (fd 0) reads.", message);
        Assert.Equal(PipeDiagnosis.Ok, Pipe(writer, [writer, reader], 61440, 65536).Diagnosis); // one page free
        Assert.Equal(PipeDiagnosis.Full, Pipe(writer, [writer, reader], null, null, [Blocked(Php, 1, EndpointAccess.Write)]).Diagnosis);
        var (fromReader, readerMessage) = Pipe(reader, [writer, reader], 65536, 65536);
        Assert.Equal(PipeDiagnosis.Full, fromReader);
        Assert.Equal("the pipe is full (65536 of 65536 bytes) and this process has not read it from fd 0: 2509 cat (fd 1) waits to write.", readerMessage);
    }

    [Fact]
    public void AFifoOpenedForReadingAndWritingByItsOnlyUserIsOk()
    {
        var both = H(Php, 7, EndpointAccess.ReadWrite);
        Assert.Equal((PipeDiagnosis.Ok, "open for reading and writing by this process alone."), Pipe(both, [both]));
    }

    private static UnixSocketInfo Socket(uint inode, byte state = UnixSocketInfo.TCP_ESTABLISHED, uint? peer = null, string? name = null,
        uint rq = 0, uint wq = 0, uint? sndbuf = 212992, uint[]? pending = null) =>
        new() { Inode = inode, Type = UnixSocketInfo.SOCK_STREAM, State = state, PeerInode = peer, Name = name, ReceiveQueue = rq, SendQueue = wq, SendBuffer = sndbuf, PendingClients = pending ?? [] };

    [Fact]
    public void AListenerWithAFullAcceptQueueIsFull()
    {
        var listener = Socket(10, UnixSocketInfo.TCP_LISTEN, name: "/run/php-fpm.sock", rq: 9, wq: 8);
        var (diagnosis, message) = PipeDiagnoser.Diagnose(new SocketFacts { Subject = H(1, 6, EndpointAccess.ReadWrite), Socket = listener });
        Assert.Equal(PipeDiagnosis.Full, diagnosis);
        Assert.StartsWith("the accept queue of /run/php-fpm.sock is full (9 connections wait, backlog 8)", message);
        Assert.Equal((PipeDiagnosis.Ok, "listening on /run/php-fpm.sock; 1 connection waiting to be accepted."),
            PipeDiagnoser.Diagnose(new SocketFacts { Subject = H(1, 6, EndpointAccess.ReadWrite), Socket = Socket(10, UnixSocketInfo.TCP_LISTEN, name: "/run/php-fpm.sock", rq: 1, wq: 8) }));
    }

    [Fact]
    public void ASocketWhosePeerClosedIsPeerClosed()
    {
        var (diagnosis, message) = PipeDiagnoser.Diagnose(new SocketFacts { Subject = H(1, 6, EndpointAccess.ReadWrite), Socket = Socket(10, peer: 0, rq: 12) });
        Assert.Equal(PipeDiagnosis.PeerClosed, diagnosis);
        Assert.Equal("the other end was closed: reads return the 12 bytes still queued, then end of file, writes fail with EPIPE.", message);
    }

    [Fact]
    public void ASocketThatCannotSendIsFullFromBothEnds()
    {
        var sender = Socket(10, peer: 11, wq: 212992);
        var receiver = Socket(11, peer: 10, rq: 200000);
        var (diagnosis, message) = PipeDiagnoser.Diagnose(new SocketFacts
        {
            Subject = H(1, 6, EndpointAccess.ReadWrite), Socket = sender, Peer = receiver, PeerHolders = [H(2, 7, EndpointAccess.ReadWrite, "worker")],
        });
        Assert.Equal(PipeDiagnosis.Full, diagnosis);
        Assert.Equal("fd 6 cannot send: 200000 bytes it sent wait unread at 2 worker (fd 7); writes block until that end reads.", message);
        var (fromReceiver, receiverMessage) = PipeDiagnoser.Diagnose(new SocketFacts
        {
            Subject = H(2, 7, EndpointAccess.ReadWrite), Socket = receiver, Peer = sender, PeerHolders = [H(1, 6, EndpointAccess.ReadWrite, "server")],
        });
        Assert.Equal(PipeDiagnosis.Full, fromReceiver);
        Assert.StartsWith("200000 bytes wait unread on fd 7; 1 server (fd 6) is blocked sending until this process reads them.", receiverMessage);
    }
}
