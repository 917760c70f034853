using Diag.Linux.Interop;

namespace Diag.Linux.Bpf;

/// <summary>
/// Reads a <see cref="BpfRingBuffer"/> in place. The kernel's layout (kernel/bpf/ringbuf.c, as libbpf reads it):
/// page 0, mapped writable, holds the consumer position; page 1, read-only, the producer position; then the data
/// area, mapped twice in a row so that a record that wraps around the end reads as one span. Each record has an
/// 8-byte header whose first u32 is its length with a busy bit (still being written) and a discard bit; records
/// are 8-byte aligned. The reader takes records up to the first busy one and moves the consumer position past
/// each, which frees the room for the producers.
/// <para>Waiting (<see cref="Poll"/>) is epoll on the map, which polls readable while data is there, plus an
/// eventfd that a <see cref="CancellationToken"/> or <see cref="Dispose"/> writes to end the wait at once.</para>
/// </summary>
internal sealed unsafe class BpfRingBufferReader : IDisposable
{
    private const ulong RingData = 0, WakeData = 1;

    private readonly BpfRingBuffer _ring;
    private readonly SafeMemoryMapping _consumer;
    private readonly SafeMemoryMapping _producer;
    private readonly SafeFileDescriptor _epoll;
    private readonly SafeFileDescriptor _wake;
    private readonly ulong _mask;
    private readonly nuint _pageSize;
    private int _disposed;

    internal BpfRingBufferReader(BpfRingBuffer ring)
    {
        _ring = ring;
        _pageSize = (nuint)Environment.SystemPageSize;
        _mask = (ulong)ring.SizeBytes - 1;
        var detail = "ring buffer " + ring.Map.Name;
        var opened = new List<IDisposable>();
        try
        {
            _consumer = SafeMemoryMapping.Map(ring.Map.Fd, _pageSize, Libc.PROT_READ | Libc.PROT_WRITE, 0, detail);
            opened.Add(_consumer);
            _producer = SafeMemoryMapping.Map(ring.Map.Fd, _pageSize + 2 * (nuint)ring.SizeBytes, Libc.PROT_READ, (long)_pageSize, detail);
            opened.Add(_producer);
            _epoll = SafeFileDescriptor.FromResult(Libc.EpollCreate(Libc.EPOLL_CLOEXEC), "epoll_create1", detail);
            opened.Add(_epoll);
            _wake = SafeFileDescriptor.FromResult(Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK), "eventfd", detail);
            opened.Add(_wake);
            Watch(ring.Map.Fd, RingData, detail);
            Watch(_wake, WakeData, detail);
        }
        catch
        {
            foreach (var item in opened)
                item.Dispose();
            throw;
        }
    }

    /// <summary>Records handed out so far.</summary>
    public long ReceivedRecords { get; private set; }

    /// <summary>Records the programs could not write because the buffer was full (see <see cref="BpfRingBuffer.EmitReserve"/>).</summary>
    public long LostRecords => _ring.LostRecords;

    /// <summary>Bytes written but not read yet.</summary>
    public long PendingBytes
    {
        get
        {
            using var hold = new Hold(this);
            return (long)(Volatile.Read(ref *(ulong*)_producer.Address) - Volatile.Read(ref *(ulong*)_consumer.Address));
        }
    }

    /// <summary>Hands every committed record to <paramref name="handler"/> (at most <paramref name="maxRecords"/>),
    /// without waiting; returns how many.</summary>
    public int Consume(BpfRecordHandler handler, int maxRecords = int.MaxValue)
    {
        using var hold = new Hold(this);
        var consumerPosition = (ulong*)_consumer.Address;
        var producerPosition = (ulong*)_producer.Address;
        var data = _producer.Address + _pageSize;
        var count = 0;
        var position = Volatile.Read(ref *consumerPosition);
        bool more;
        do
        {
            more = false;
            var end = Volatile.Read(ref *producerPosition);
            while (position < end && count < maxRecords)
            {
                var header = data + (position & _mask);
                var length = Volatile.Read(ref *(uint*)header);
                if ((length & Libc.BPF_RINGBUF_BUSY_BIT) != 0)
                    return count; // still being written: the rest comes after it
                more = true;
                var size = length & ~(Libc.BPF_RINGBUF_BUSY_BIT | Libc.BPF_RINGBUF_DISCARD_BIT);
                position += (size + Libc.BPF_RINGBUF_HDR_SZ + 7) / 8 * 8;
                if ((length & Libc.BPF_RINGBUF_DISCARD_BIT) == 0)
                {
                    try
                    {
                        handler(new ReadOnlySpan<byte>(header + Libc.BPF_RINGBUF_HDR_SZ, (int)size));
                    }
                    finally
                    {
                        Volatile.Write(ref *consumerPosition, position); // a throwing handler does not get the record again
                    }
                    count++;
                    ReceivedRecords++;
                }
                else
                {
                    Volatile.Write(ref *consumerPosition, position);
                }
            }
        }
        while (more && count < maxRecords);
        return count;
    }

    /// <summary>Hands out what is there; when nothing is, waits up to <paramref name="timeout"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: no limit) for records and hands those out. Returns how many (0 when
    /// the time ran out). Throws <see cref="OperationCanceledException"/> when <paramref name="cancellation"/> is
    /// cancelled, and <see cref="ObjectDisposedException"/> when the reader is disposed, meanwhile.</summary>
    public int Poll(BpfRecordHandler handler, TimeSpan timeout, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var count = Consume(handler);
        if (count > 0)
            return count;
        // The eventfd stays open until this wait has seen it: a Dispose that closed it at once would take it out of
        // the epoll set before the waiter looked, and the wait would go on.
        var holdingWake = false;
        _wake.DangerousAddRef(ref holdingWake);
        try
        {
            using var registration = cancellation.Register(static state => ((BpfRingBufferReader)state!).Wake(), this);
            var deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
            var events = stackalloc Libc.EpollEvent[2];
            while (true)
            {
                var remaining = deadline == long.MaxValue ? -1 : (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);
                var ready = Libc.EpollWait(_epoll, events, 2, remaining);
                if (ready < 0 && Libc.LastErrno != Errno.EINTR)
                    throw SyscallException.FromLastError("epoll_wait", "ring buffer " + _ring.Map.Name);
                for (var i = 0; i < ready; i++)
                    if (events[i].Data == WakeData)
                        DrainWake();
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                cancellation.ThrowIfCancellationRequested();
                count = Consume(handler);
                if (count > 0 || remaining == 0)
                    return count;
                if (Environment.TickCount64 >= deadline)
                    return 0;
            }
        }
        finally
        {
            if (holdingWake)
                _wake.DangerousRelease();
        }
    }

    /// <summary>Unmaps the buffer and closes the wait; a <see cref="Poll"/> in progress on another thread returns
    /// (with <see cref="ObjectDisposedException"/>) and the pages go when it has.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        Wake();
        _epoll.Dispose();
        _wake.Dispose();
        _consumer.Dispose();
        _producer.Dispose();
    }

    private void Watch(SafeFileDescriptor fd, ulong data, string detail)
    {
        Libc.EpollEvent e = new() { Events = Libc.EPOLLIN, Data = data };
        if (Libc.EpollCtl(_epoll, Libc.EPOLL_CTL_ADD, fd, &e) != 0)
            throw SyscallException.FromLastError("epoll_ctl(EPOLL_CTL_ADD)", detail);
    }

    private void Wake()
    {
        ulong one = 1;
        try
        {
            Libc.Write(_wake, (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // disposed meanwhile: nobody is waiting any more
        }
    }

    /// <summary>Resets the eventfd (the caller holds a reference on it: it may be disposed already).</summary>
    private void DrainWake()
    {
        ulong value;
        Libc.Read(_wake.Value, (byte*)&value, sizeof(ulong)); // EAGAIN when another wait drained it first
    }

    /// <summary>Keeps both mappings mapped while the reader touches them.</summary>
    private readonly ref struct Hold
    {
        private readonly BpfRingBufferReader _reader;

        public Hold(BpfRingBufferReader reader)
        {
            _reader = reader;
            var consumer = false;
            var producer = false;
            try
            {
                reader._consumer.DangerousAddRef(ref consumer);
                reader._producer.DangerousAddRef(ref producer);
            }
            catch (ObjectDisposedException)
            {
                if (consumer)
                    reader._consumer.DangerousRelease();
                throw new ObjectDisposedException(nameof(BpfRingBufferReader));
            }
        }

        public void Dispose()
        {
            _reader._consumer.DangerousRelease();
            _reader._producer.DangerousRelease();
        }
    }
}
