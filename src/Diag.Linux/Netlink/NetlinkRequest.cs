using System.Buffers.Binary;

namespace Diag.Linux.Netlink;

/// <summary>
/// Builds one netlink request in a caller's buffer: the <c>nlmsghdr</c>, the family's fixed header (<c>nfgenmsg</c>,
/// <c>ndmsg</c>, <c>ndtmsg</c>…) and attributes, nested ones included (linux/netlink.h: every part 4-byte aligned).
/// <see cref="NetlinkSocket"/> fills in the sequence number when it sends.
/// </summary>
internal ref struct NetlinkRequest
{
    public const ushort NLM_F_REQUEST = 0x1, NLM_F_ACK = 0x4, NLM_F_DUMP = 0x300;
    private const ushort NLA_F_NESTED = 0x8000;

    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>Starts a request of <paramref name="type"/> with <paramref name="flags"/>. NLM_F_REQUEST is always added, and
    /// NLM_F_ACK to every request that is not a dump, so that its replies end with the acknowledgement.</summary>
    public NetlinkRequest(Span<byte> buffer, ushort type, ushort flags)
    {
        if ((flags & NLM_F_DUMP) != NLM_F_DUMP) flags |= NLM_F_ACK;
        _buffer = buffer;
        _buffer[..NetlinkMessage.HeaderSize].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[6..], (ushort)(flags | NLM_F_REQUEST));
        _length = NetlinkMessage.HeaderSize;
    }

    /// <summary>True for a dump request: the replies end with NLMSG_DONE rather than an acknowledgement.</summary>
    public readonly bool IsDump => (BinaryPrimitives.ReadUInt16LittleEndian(_buffer[6..]) & NLM_F_DUMP) == NLM_F_DUMP;

    /// <summary>Appends the family's fixed header (zero-filled to its length; then filled through the returned span).</summary>
    public Span<byte> AddFamilyHeader(int length)
    {
        var header = Reserve(length);
        header.Clear();
        return header;
    }

    public void AddAttribute(ushort type, scoped ReadOnlySpan<byte> payload)
    {
        var at = Reserve(NetlinkMessage.AttributeHeaderSize + payload.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)(NetlinkMessage.AttributeHeaderSize + payload.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], type);
        payload.CopyTo(at[NetlinkMessage.AttributeHeaderSize..]);
    }

    public void AddUInt32(ushort type, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, value);
        AddAttribute(type, payload);
    }

    /// <summary>Starts a nested attribute; pass what it returns to <see cref="EndNested"/> after adding its members.</summary>
    public int BeginNested(ushort type)
    {
        int start = _length;
        var at = Reserve(NetlinkMessage.AttributeHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], (ushort)(type | NLA_F_NESTED));
        return start;
    }

    public readonly void EndNested(int start) =>
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[start..], (ushort)(_length - start));

    /// <summary>The finished request with <paramref name="sequence"/>; valid while the buffer is.</summary>
    public readonly ReadOnlySpan<byte> Finish(uint sequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[8..], sequence);
        return _buffer[.._length];
    }

    private Span<byte> Reserve(int length)
    {
        int aligned = NetlinkMessage.Align(length);
        if (_length + aligned > _buffer.Length) throw new InvalidOperationException("netlink request buffer too small");
        var span = _buffer.Slice(_length, aligned);
        span[length..].Clear();
        _length += aligned;
        return span[..length];
    }
}
