using Diag.Linux.Interop;

namespace Diag.Linux.ProcessEvents.Connector;

/// <summary>
/// A NETLINK_CONNECTOR socket subscribed to the process connector's multicast group (CN_IDX_PROC), as forkstat
/// opens it. Binding to the group needs CAP_NET_ADMIN; the kernel ignores a subscription from outside the initial
/// user and PID namespaces without a word, so that is checked first. A full receive buffer drops events: the kernel
/// says so with ENOBUFS on the next read, which is counted.
/// </summary>
internal sealed unsafe class ProcessConnectorSocket : IDisposable
{
    private const int CnIdxProc = 1, ENOBUFS = 105, ReceiveBufferBytes = 8 << 20, DatagramSize = 512;
    private const string InitialUserNamespace = "user:[4026531837]", InitialPidNamespace = "pid:[4026531836]";

    private readonly SafeFileDescriptor _fd;
    private readonly byte[] _buffer = new byte[DatagramSize];

    private ProcessConnectorSocket(SafeFileDescriptor fd) => _fd = fd;

    /// <summary>Times the kernel reported dropped events (ENOBUFS): how many were dropped it does not say.</summary>
    public int Overflows { get; private set; }

    /// <summary>Opens, binds and subscribes. Throws <see cref="ProcessWatchException"/> saying why it cannot.</summary>
    public static ProcessConnectorSocket Open()
    {
        if (LinkOf("/proc/self/ns/user") is { } user && user != InitialUserNamespace
            || LinkOf("/proc/self/ns/pid") is { } pid && pid != InitialPidNamespace)
            throw new ProcessWatchException(ProcessWatchFailureReason.Unsupported,
                "the process connector reports only to listeners in the initial user and PID namespaces, and this session runs in a container's",
                "run Diag on the host");
        var fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, Libc.NETLINK_CONNECTOR);
        if (fd.IsInvalid)
            throw new ProcessWatchException(ProcessWatchFailureReason.Unsupported,
                $"the process connector cannot be opened: socket(AF_NETLINK, NETLINK_CONNECTOR) failed with {Errno.GetName(Libc.LastErrno)} (a kernel without CONFIG_PROC_EVENTS)",
                "use the kernel source (-Source Kernel)");
        var socket = new ProcessConnectorSocket(fd);
        try
        {
            var size = ReceiveBufferBytes;
            if (Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, &size, sizeof(int)) != 0)
                Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &size, sizeof(int));
            var address = new Libc.SockAddrNetlink { Family = Libc.AF_NETLINK, Groups = CnIdxProc };
            if (Libc.Bind(fd, &address, (uint)sizeof(Libc.SockAddrNetlink)) != 0)
            {
                var errno = Libc.LastErrno;
                throw new ProcessWatchException(errno == Errno.EPERM ? ProcessWatchFailureReason.AccessDenied : ProcessWatchFailureReason.Failed,
                    $"no permission to listen to the process connector: bind to its multicast group failed with {Errno.GetName(errno)}",
                    errno == Errno.EPERM ? "run as root (sudo pwsh), or give the session CAP_NET_ADMIN" : "run the command again; if it repeats, report it with the message above");
            }
            socket.Subscribe(listen: true);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for the socket to be readable.</summary>
    public bool Wait(int timeoutMilliseconds)
    {
        var added = false;
        _fd.DangerousAddRef(ref added);
        try
        {
            var pollFd = new Libc.PollFd { Fd = (int)_fd.DangerousGetHandle(), Events = Libc.POLLIN };
            var ready = Libc.Poll(&pollFd, 1, timeoutMilliseconds);
            if (ready < 0 && Libc.LastErrno != Errno.EINTR)
                throw SyscallException.FromLastError("poll", "process connector");
            return ready > 0;
        }
        finally
        {
            if (added)
                _fd.DangerousRelease();
        }
    }

    /// <summary>Reads every queued datagram without waiting, handing each message to <paramref name="handle"/>.</summary>
    public int ReadQueued(Action<ConnectorMessage> handle)
    {
        var count = 0;
        fixed (byte* buffer = _buffer)
        {
            while (true)
            {
                var n = Libc.Receive(_fd, buffer, DatagramSize, Libc.MSG_DONTWAIT);
                if (n < 0)
                {
                    var errno = Libc.LastErrno;
                    if (errno == Errno.EINTR)
                        continue;
                    if (errno == ENOBUFS)
                    {
                        Overflows++;
                        continue;
                    }
                    if (errno == Errno.EAGAIN)
                        return count;
                    throw SyscallException.FromLastError("recv", "process connector");
                }
                if (ConnectorMessage.TryParse(new ReadOnlySpan<byte>(buffer, (int)n), out var message))
                {
                    handle(message);
                    count++;
                }
            }
        }
    }

    public void Dispose()
    {
        if (!_fd.IsInvalid && !_fd.IsClosed)
        {
            try
            {
                Subscribe(listen: false);
            }
            catch (SyscallException)
            {
                // closing ends the subscription anyway
            }
        }
        _fd.Dispose();
    }

    private void Subscribe(bool listen)
    {
        var message = ConnectorMessage.Subscription(listen);
        fixed (byte* m = message)
        {
            if (Libc.Send(_fd, m, (nuint)message.Length, 0) < 0)
                throw SyscallException.FromLastError("send", "process connector subscription");
        }
    }

    private static string? LinkOf(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
