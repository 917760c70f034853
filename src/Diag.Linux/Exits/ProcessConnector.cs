using Diag.Linux.Interop;

namespace Diag.Linux.Exits;

/// <summary>One PROC_EVENT_EXIT of the process connector: a thread's exit, with its wait status.</summary>
internal readonly record struct ConnectorExit(int ThreadId, int ProcessId, int Status, ulong TimestampNanoseconds);

/// <summary>
/// The kernel's process connector (netlink NETLINK_CONNECTOR, group CN_IDX_PROC): after PROC_CN_MCAST_LISTEN the
/// kernel sends an event for every fork, exec and exit on the machine, exits with the wait status. It is how exit
/// statuses of processes that are not children are known on kernels before 6.15. Needs CAP_NET_ADMIN in the initial
/// user namespace; events beyond the socket's buffer are lost (ENOBUFS), so the buffer is made large.
/// </summary>
internal sealed unsafe class ProcessConnector : IDisposable
{
    private const uint CN_IDX_PROC = 1, CN_VAL_PROC = 1, PROC_CN_MCAST_LISTEN = 1, PROC_EVENT_EXIT = 0x80000000;
    private const int NlmsgHeaderSize = 16, CnMsgHeaderSize = 20, NLMSG_DONE = 3;
    private readonly byte[] _buffer = new byte[64 * 1024];

    private ProcessConnector(SafeFileDescriptor socket) => Socket = socket;

    public SafeFileDescriptor Socket { get; }

    /// <summary>Subscribes; null and the errno when the kernel refuses (EPERM without CAP_NET_ADMIN, EPROTONOSUPPORT
    /// without CONFIG_PROC_EVENTS).</summary>
    public static ProcessConnector? Open(out int errno)
    {
        var socket = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK, Libc.NETLINK_CONNECTOR);
        if (socket.IsInvalid)
        {
            errno = Libc.LastErrno;
            socket.Dispose();
            return null;
        }
        int size = 4 << 20;
        if (Libc.SetSockOpt(socket, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, &size, sizeof(int)) != 0)
            Libc.SetSockOpt(socket, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &size, sizeof(int));
        var address = new Libc.SockAddrNetlink { Family = Libc.AF_NETLINK, PortId = 0, Groups = CN_IDX_PROC };
        if (Libc.Bind(socket, &address, (uint)sizeof(Libc.SockAddrNetlink)) != 0)
        {
            errno = Libc.LastErrno;
            socket.Dispose();
            return null;
        }
        // nlmsghdr (16) + cn_msg { cb_id { idx, val }, seq, ack, len, flags } (20) + enum proc_cn_mcast_op (4)
        var message = stackalloc byte[NlmsgHeaderSize + CnMsgHeaderSize + 4];
        new Span<byte>(message, NlmsgHeaderSize + CnMsgHeaderSize + 4).Clear();
        *(uint*)message = NlmsgHeaderSize + CnMsgHeaderSize + 4;
        *(ushort*)(message + 4) = NLMSG_DONE;
        *(uint*)(message + 12) = (uint)Environment.ProcessId;
        *(uint*)(message + 16) = CN_IDX_PROC;
        *(uint*)(message + 20) = CN_VAL_PROC;
        *(ushort*)(message + 32) = 4;
        *(uint*)(message + 36) = PROC_CN_MCAST_LISTEN;
        if (Libc.Send(socket, message, NlmsgHeaderSize + CnMsgHeaderSize + 4, 0) < 0)
        {
            errno = Libc.LastErrno;
            socket.Dispose();
            return null;
        }
        errno = 0;
        return new ProcessConnector(socket);
    }

    /// <summary>Reads every queued event and hands each exit to <paramref name="onExit"/>; returns false when events
    /// were lost (ENOBUFS: the buffer overflowed on a busy machine).</summary>
    public bool Drain(Action<ConnectorExit> onExit)
    {
        bool complete = true;
        fixed (byte* buffer = _buffer)
        {
            while (true)
            {
                nint n = Libc.Receive(Socket, buffer, (nuint)_buffer.Length, Libc.MSG_DONTWAIT);
                if (n < 0)
                {
                    int errno = Libc.LastErrno;
                    if (errno == Errno.EINTR) continue;
                    if (errno == 105) { complete = false; continue; } // ENOBUFS: some events were dropped; read on
                    return complete; // EAGAIN: drained
                }
                for (int offset = 0; offset + NlmsgHeaderSize <= n;)
                {
                    uint length = *(uint*)(buffer + offset);
                    if (length < NlmsgHeaderSize || offset + length > n) break;
                    Parse(buffer + offset + NlmsgHeaderSize, (int)length - NlmsgHeaderSize, onExit);
                    offset += (int)((length + 3) & ~3u);
                }
            }
        }
    }

    // cn_msg (20 bytes) then struct proc_event { what, cpu, timestamp_ns, event_data }: exit's data is
    // { process_pid, process_tgid, exit_code, exit_signal, parent_pid, parent_tgid }.
    private static void Parse(byte* cn, int length, Action<ConnectorExit> onExit)
    {
        if (length < CnMsgHeaderSize + 32) return;
        if (*(uint*)cn != CN_IDX_PROC || *(uint*)(cn + 4) != CN_VAL_PROC) return;
        byte* ev = cn + CnMsgHeaderSize;
        if (*(uint*)ev != PROC_EVENT_EXIT) return;
        ulong timestamp = *(ulong*)(ev + 8);
        onExit(new ConnectorExit(*(int*)(ev + 16), *(int*)(ev + 20), *(int*)(ev + 24), timestamp));
    }

    public void Dispose() => Socket.Dispose();
}
