using System.Diagnostics;
using Diag.Linux.Interop;

namespace Diag.Linux.Captures;

/// <summary>
/// Reads a FIFO, a pipe or a character device that was opened with O_NONBLOCK, waiting for data in short
/// poll(2) slices, so that Ctrl+C (the token) and a time limit end a wait that a blocking open or read would
/// make endless: a FIFO that no program has opened for writing yet, or a live <c>tcpdump -U -w FIFO</c> that
/// captures nothing for a while. Ends (Read returns 0) when the writer closes, or when stopped.
/// </summary>
internal sealed class PipeReadStream : Stream
{
    private const int SliceMilliseconds = 200;

    private readonly SafeFileDescriptor _fd;
    private readonly CancellationToken _cancel;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan? _limit;

    public PipeReadStream(SafeFileDescriptor fd, CancellationToken cancel, TimeSpan? limit)
    {
        _fd = fd;
        _cancel = cancel;
        _limit = limit;
    }

    /// <summary>True once the stream ended because of the token or the time limit rather than the writer.</summary>
    public bool Stopped { get; private set; }

    /// <summary>True once the time limit passed.</summary>
    public bool TimeLimitReached { get; private set; }

    /// <summary>True once a writer has written or come and gone: before that a FIFO has only been waited on.</summary>
    public bool WriterSeen { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Waits up to one slice for data or the writer's end; false when there is none yet (call again),
    /// or when stopped (see <see cref="Stopped"/>).</summary>
    public bool WaitReadable()
    {
        if (ShouldStop()) return false;
        int wait = SliceMilliseconds;
        if (_limit is { } limit)
        {
            var left = limit - _clock.Elapsed;
            wait = (int)Math.Clamp(Math.Ceiling(left.TotalMilliseconds), 0, SliceMilliseconds);
        }
        if (!Poll(wait)) return false;
        WriterSeen = true;
        return true;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override unsafe int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            // A FIFO opened without a writer reads as end-of-file: read only once poll says there is something.
            if (!WaitReadable())
            {
                if (Stopped) return 0;
                continue;
            }
            nint read;
            fixed (byte* p = buffer) read = Libc.Read(_fd, p, (nuint)buffer.Length);
            if (read >= 0) return (int)read;
            int errno = Libc.LastErrno;
            if (errno is Errno.EAGAIN or Errno.EINTR) continue; // poll woke for a writer that has not written yet
            throw new SyscallException("read", errno);
        }
    }

    private bool ShouldStop()
    {
        if (_cancel.IsCancellationRequested)
        {
            Stopped = true;
            return true;
        }
        if (_limit is { } limit && _clock.Elapsed >= limit)
        {
            Stopped = TimeLimitReached = true;
            return true;
        }
        return false;
    }

    private unsafe bool Poll(int milliseconds)
    {
        var poll = new Libc.PollFd { Fd = _fd.Value, Events = Libc.POLLIN };
        int ready = Libc.Poll(&poll, 1, milliseconds);
        if (ready < 0)
        {
            int errno = Libc.LastErrno;
            if (errno == Errno.EINTR) return false;
            throw new SyscallException("poll", errno);
        }
        // POLLIN: data. POLLHUP: a writer came and went (the kernel holds it back until a writer was seen), so
        // the next read returns what is left, then end-of-file.
        return ready > 0 && (poll.Returned & (Libc.POLLIN | Libc.POLLHUP | Libc.POLLERR)) != 0;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _fd.Dispose();
        base.Dispose(disposing);
    }
}
