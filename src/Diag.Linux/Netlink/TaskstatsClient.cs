using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Diag.Linux.Interop;

namespace Diag.Linux.Netlink;

/// <summary>
/// Per-thread counters from the kernel's taskstats interface (TASKSTATS_CMD_GET with
/// TASKSTATS_CMD_ATTR_PID = TID over generic netlink): one small binary reply per thread instead of
/// generating and parsing /proc text files. Requests go out in batches (several requests in one datagram,
/// replies fetched with one recvmmsg), which halves the cost per thread against one send and one recv each.
/// Needs CAP_NET_ADMIN (the command is GENL_ADMIN_PERM): <see cref="TryOpen"/> says when it is not usable.
/// Not thread-safe.
/// </summary>
internal sealed unsafe class TaskstatsClient : IDisposable
{
    private const byte TASKSTATS_CMD_GET = 1;
    private const ushort TASKSTATS_CMD_ATTR_PID = 1;
    private const ushort TASKSTATS_TYPE_PID = 1, TASKSTATS_TYPE_STATS = 3, TASKSTATS_TYPE_AGGR_PID = 4;
    private const int BatchSize = 32, RequestSize = 28, ReplySize = 2048;

    private readonly GenericNetlinkSocket _socket;
    private readonly ushort _family;
    private byte* _requests;
    private byte* _replies;
    private Libc.IoVec* _iovecs;
    private Libc.MultiMessageHeader* _headers;
    private uint _sequence;

    private TaskstatsClient(GenericNetlinkSocket socket, ushort family)
    {
        _socket = socket;
        _family = family;
        _requests = (byte*)NativeMemory.Alloc(BatchSize * RequestSize);
        _replies = (byte*)NativeMemory.Alloc(BatchSize * ReplySize);
        _iovecs = (Libc.IoVec*)NativeMemory.Alloc((nuint)(BatchSize * sizeof(Libc.IoVec)));
        _headers = (Libc.MultiMessageHeader*)NativeMemory.AllocZeroed((nuint)(BatchSize * sizeof(Libc.MultiMessageHeader)));
        for (int i = 0; i < BatchSize; i++)
        {
            _iovecs[i] = new Libc.IoVec { Base = _replies + i * ReplySize, Length = ReplySize };
            _headers[i].Iov = &_iovecs[i];
            _headers[i].IovLength = 1;
        }
    }

    /// <summary>
    /// Opens a client, or returns null with the reason: the family is missing (kernel without
    /// CONFIG_TASKSTATS, or a network namespace other than the initial one), EPERM (no CAP_NET_ADMIN), or
    /// the kernel's reply lacks the nanosecond run time (a kernel that fills it only with delay accounting on).
    /// Probes with the calling thread, which has certainly run.
    /// </summary>
    public static TaskstatsClient? TryOpen(out string? whyNot)
    {
        int errno = GenericNetlinkSocket.TryOpen(BatchSize * 4096, out var socket);
        if (socket is null) { whyNot = "socket(NETLINK_GENERIC): " + Errno.GetName(errno); return null; }
        errno = socket.ResolveFamily("TASKSTATS", out ushort family);
        if (errno != 0)
        {
            socket.Dispose();
            whyNot = "no TASKSTATS generic netlink family: " + Errno.GetName(errno);
            return null;
        }
        var client = new TaskstatsClient(socket, family);
        Span<int> self = stackalloc int[] { Libc.GetTid() };
        Span<TaskAccounting> probe = stackalloc TaskAccounting[1];
        client.QueryBatch(self, probe, out _);
        whyNot = probe[0].Errno != 0 ? "TASKSTATS_CMD_GET: " + Errno.GetName(probe[0].Errno)
            : probe[0].RunNanoseconds <= 0 ? "the kernel's taskstats carry no run time" : null;
        if (whyNot is null) return client;
        client.Dispose();
        return null;
    }

    /// <summary>
    /// Queries each thread of <paramref name="threadIds"/> (IDs in the caller's PID namespace) into the same
    /// index of <paramref name="results"/>. <paramref name="timestamps"/> receives, per thread, the
    /// <see cref="System.Diagnostics.Stopwatch"/> time right after the kernel produced its counters.
    /// </summary>
    public void Query(ReadOnlySpan<int> threadIds, Span<TaskAccounting> results, Span<long> timestamps)
    {
        for (int start = 0; start < threadIds.Length; start += BatchSize)
        {
            int count = Math.Min(BatchSize, threadIds.Length - start);
            QueryBatch(threadIds.Slice(start, count), results.Slice(start, count), out long timestamp);
            timestamps.Slice(start, count).Fill(timestamp);
        }
    }

    private void QueryBatch(ReadOnlySpan<int> threadIds, Span<TaskAccounting> results, out long timestamp)
    {
        int count = threadIds.Length;
        // Sequence numbers tie replies to requests: a dropped or stray reply cannot shift the others.
        uint first = _sequence + 1;
        _sequence += (uint)count;
        Span<byte> tid = stackalloc byte[4];
        int length = 0;
        for (int i = 0; i < count; i++)
        {
            results[i] = TaskAccounting.Failed(Errno.EAGAIN); // until its reply arrives
            BinaryPrimitives.WriteInt32LittleEndian(tid, threadIds[i]);
            length += NetlinkMessage.WriteRequest(new Span<byte>(_requests + length, RequestSize), _family, TASKSTATS_CMD_GET,
                first + (uint)i, TASKSTATS_CMD_ATTR_PID, tid);
        }

        int errno = _socket.Send(_requests, length);
        timestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        if (errno != 0)
        {
            for (int i = 0; i < count; i++) results[i] = TaskAccounting.Failed(errno);
            return;
        }

        int pending = count;
        while (pending > 0)
        {
            int received = _socket.ReceiveQueued(_headers, Math.Min(pending, BatchSize));
            if (received <= 0) break; // the rest were dropped: they stay EAGAIN
            for (int m = 0; m < received; m++)
            {
                var reply = new ReadOnlySpan<byte>(_replies + m * ReplySize, (int)Math.Min(_headers[m].Length, ReplySize));
                if (!NetlinkMessage.TryReadReply(reply, out ushort type, out uint sequence, out int replyErrno, out var attributes)) continue;
                uint index = sequence - first;
                if (index >= (uint)count) continue; // a late reply to an earlier batch
                pending--;
                if (type == NetlinkMessage.NLMSG_ERROR) results[(int)index] = TaskAccounting.Failed(replyErrno != 0 ? replyErrno : Errno.EIO);
                else if (type == _family) results[(int)index] = Parse(attributes, threadIds[(int)index]);
            }
        }
    }

    private static TaskAccounting Parse(ReadOnlySpan<byte> attributes, int threadId)
    {
        if (!NetlinkMessage.TryFindAttribute(attributes, TASKSTATS_TYPE_AGGR_PID, out var aggregate)
            || !NetlinkMessage.TryFindAttribute(aggregate, TASKSTATS_TYPE_PID, out var pid) || pid.Length < 4
            || BinaryPrimitives.ReadInt32LittleEndian(pid) != threadId
            || !NetlinkMessage.TryFindAttribute(aggregate, TASKSTATS_TYPE_STATS, out var stats)
            || !TaskAccounting.TryParse(stats, out var accounting))
            return TaskAccounting.Failed(Errno.EIO);
        return accounting;
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_requests is null) return;
        NativeMemory.Free(_requests);
        NativeMemory.Free(_replies);
        NativeMemory.Free(_iovecs);
        NativeMemory.Free(_headers);
        _requests = null;
        _replies = null;
        _iovecs = null;
        _headers = null;
    }
}
