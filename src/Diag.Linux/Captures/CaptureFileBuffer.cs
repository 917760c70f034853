namespace Diag.Linux.Captures;

/// <summary>
/// A forward-only window over a capture file: records are parsed in place from one large buffer,
/// refilled by big reads, so reading a packet costs no copy and no allocation.
/// </summary>
internal sealed class CaptureFileBuffer : IDisposable
{
    private const int InitialSize = 1 << 20;

    /// <summary>The largest record or block accepted (pcapng blocks carry their own length).</summary>
    public const int MaxRecordSize = 16 << 20;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[InitialSize];
    private int _position;    // next unread byte in _buffer
    private int _end;         // end of valid data in _buffer
    private long _bufferStart; // file offset of _buffer[0]
    private bool _eof;

    public CaptureFileBuffer(Stream stream) => _stream = stream;

    /// <summary>File offset of the next unread byte.</summary>
    public long Position => _bufferStart + _position;

    /// <summary>Bytes buffered after <see cref="Position"/> (after a failed <see cref="TryPeek"/>: all that is left in the file).</summary>
    public int Buffered => _end - _position;

    /// <summary>True when every byte has been consumed.</summary>
    public bool AtEnd => _position == _end && Fill(1) == 0;

    /// <summary>The next <paramref name="count"/> bytes, without consuming them; false when the file ends first.</summary>
    public bool TryPeek(int count, out ReadOnlySpan<byte> data)
    {
        if (_end - _position < count && Fill(count) < count)
        {
            data = _buffer.AsSpan(_position, _end - _position);
            return false;
        }
        data = _buffer.AsSpan(_position, count);
        return true;
    }

    /// <summary>The bytes at <paramref name="offset"/> past <see cref="Position"/>, for looking ahead; false when the file ends first.</summary>
    public bool TryPeekAt(int offset, int count, out ReadOnlySpan<byte> data)
    {
        if (!TryPeek(offset + count, out var all))
        {
            data = all.Length > offset ? all[offset..] : default;
            return false;
        }
        data = all.Slice(offset, count);
        return true;
    }

    public void Advance(int count) => _position = Math.Min(_position + count, _end);

    /// <summary>Makes at least <paramref name="count"/> bytes available from _position if the file has them; returns how many are.</summary>
    private int Fill(int count)
    {
        if (_eof) return _end - _position;
        if (count > _buffer.Length - _position)
        {
            // Move the unread tail to the front, growing the buffer for a record larger than it.
            var target = count > _buffer.Length ? new byte[Math.Max(count, _buffer.Length * 2)] : _buffer;
            Buffer.BlockCopy(_buffer, _position, target, 0, _end - _position);
            _bufferStart += _position;
            _end -= _position;
            _position = 0;
            _buffer = target;
        }
        while (_end - _position < count && !_eof)
        {
            // Read as much as fits: fewer, larger reads.
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0) _eof = true;
            _end += read;
        }
        return _end - _position;
    }

    public void Dispose() => _stream.Dispose();
}
