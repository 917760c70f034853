using System.Buffers.Binary;
using System.Text;

namespace Diag.Linux.Netlink;

/// <summary>
/// The attributes of a netlink message (or of a nested attribute), walked in order:
/// <c>foreach (var a in new NetlinkAttributes(span)) switch (a.Type) …</c>. A truncated or malformed attribute ends
/// the walk instead of throwing: what the kernel sent before it is still read.
/// </summary>
internal ref struct NetlinkAttributes
{
    private ReadOnlySpan<byte> _rest;

    public NetlinkAttributes(ReadOnlySpan<byte> attributes)
    {
        _rest = attributes;
        Current = default;
    }

    public NetlinkAttribute Current { get; private set; }

    public readonly NetlinkAttributes GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.Length < NetlinkMessage.AttributeHeaderSize) return false;
        int length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        if (length < NetlinkMessage.AttributeHeaderSize || length > _rest.Length) return false;
        // The top bits are NLA_F_NESTED and NLA_F_NET_BYTEORDER, not part of the type.
        ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]) & 0x3fff);
        Current = new NetlinkAttribute(type, _rest[NetlinkMessage.AttributeHeaderSize..length]);
        int next = NetlinkMessage.Align(length);
        _rest = next >= _rest.Length ? default : _rest[next..];
        return true;
    }

    /// <summary>The payload of the first attribute of <paramref name="type"/>, or false.</summary>
    public static bool TryFind(ReadOnlySpan<byte> attributes, ushort type, out NetlinkAttribute found)
    {
        foreach (var attribute in new NetlinkAttributes(attributes))
        {
            if (attribute.Type != type) continue;
            found = attribute;
            return true;
        }
        found = default;
        return false;
    }
}

/// <summary>One attribute: its type and payload, with readers for the encodings netlink families use (host order for
/// rtnetlink, network order for nfnetlink's numbers).</summary>
internal readonly ref struct NetlinkAttribute
{
    public NetlinkAttribute(ushort type, ReadOnlySpan<byte> payload)
    {
        Type = type;
        Payload = payload;
    }

    public ushort Type { get; }

    public ReadOnlySpan<byte> Payload { get; }

    public NetlinkAttributes Nested => new(Payload);

    public byte UInt8 => Payload.Length >= 1 ? Payload[0] : (byte)0;

    public uint UInt32 => Payload.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(Payload) : 0;

    public ulong UInt64 => Payload.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(Payload) : UInt32;

    public ushort BigEndianUInt16 => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : (ushort)0;

    public uint BigEndianUInt32 => Payload.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(Payload) : 0;

    public ulong BigEndianUInt64 => Payload.Length >= 8 ? BinaryPrimitives.ReadUInt64BigEndian(Payload) : BigEndianUInt32;

    /// <summary>A NUL-terminated string attribute (interface and table names).</summary>
    public string String
    {
        get
        {
            int nul = Payload.IndexOf((byte)0);
            return Encoding.UTF8.GetString(nul < 0 ? Payload : Payload[..nul]);
        }
    }
}
