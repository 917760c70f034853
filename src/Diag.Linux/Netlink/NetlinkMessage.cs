using System.Buffers.Binary;

namespace Diag.Linux.Netlink;

/// <summary>
/// Writes generic netlink requests and reads replies (linux/netlink.h, linux/genetlink.h):
/// <c>nlmsghdr</c> (16 bytes), <c>genlmsghdr</c> (4 bytes), then attributes (<c>nlattr</c>, 4-byte aligned).
/// </summary>
internal static class NetlinkMessage
{
    public const int HeaderSize = 16, GenericHeaderSize = 4, AttributeHeaderSize = 4;
    public const ushort NLMSG_ERROR = 2, NLM_F_REQUEST = 1;
    public const ushort GENL_ID_CTRL = 0x10;
    public const byte CTRL_CMD_GETFAMILY = 3;
    public const ushort CTRL_ATTR_FAMILY_ID = 1, CTRL_ATTR_FAMILY_NAME = 2;

    /// <summary>Writes a request with one attribute; returns its length (aligned).</summary>
    public static int WriteRequest(Span<byte> into, ushort type, byte command, uint sequence, ushort attributeType, ReadOnlySpan<byte> attribute)
    {
        int attributeLength = AttributeHeaderSize + attribute.Length;
        int length = HeaderSize + GenericHeaderSize + Align(attributeLength);
        into[..length].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(into, (uint)length);           // nlmsg_len
        BinaryPrimitives.WriteUInt16LittleEndian(into[4..], type);              // nlmsg_type
        BinaryPrimitives.WriteUInt16LittleEndian(into[6..], NLM_F_REQUEST);     // nlmsg_flags
        BinaryPrimitives.WriteUInt32LittleEndian(into[8..], sequence);          // nlmsg_seq (nlmsg_pid 0: the kernel)
        into[16] = command;                                                     // genlmsghdr.cmd
        into[17] = 1;                                                           // genlmsghdr.version
        var at = into[(HeaderSize + GenericHeaderSize)..];
        BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)attributeLength);
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], attributeType);
        attribute.CopyTo(at[AttributeHeaderSize..]);
        return length;
    }

    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>Reads a reply's header. For an NLMSG_ERROR reply <paramref name="errno"/> is its (positive)
    /// error, 0 for a plain acknowledgement; <paramref name="attributes"/> follow the generic header otherwise.
    /// Returns false when the reply is truncated.</summary>
    public static bool TryReadReply(ReadOnlySpan<byte> reply, out ushort type, out uint sequence, out int errno, out ReadOnlySpan<byte> attributes)
    {
        type = 0; sequence = 0; errno = 0; attributes = default;
        if (reply.Length < HeaderSize) return false;
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(reply);
        if (length < HeaderSize || length > reply.Length) return false;
        type = BinaryPrimitives.ReadUInt16LittleEndian(reply[4..]);
        sequence = BinaryPrimitives.ReadUInt32LittleEndian(reply[8..]);
        if (type == NLMSG_ERROR)
        {
            if (length < HeaderSize + 4) return false;
            errno = -BinaryPrimitives.ReadInt32LittleEndian(reply[HeaderSize..]);
            return true;
        }
        if (length < HeaderSize + GenericHeaderSize) return false;
        attributes = reply[(HeaderSize + GenericHeaderSize)..length];
        return true;
    }

    /// <summary>Finds attribute <paramref name="type"/> among <paramref name="attributes"/> (flag bits of
    /// nla_type ignored); its payload, or false.</summary>
    public static bool TryFindAttribute(ReadOnlySpan<byte> attributes, ushort type, out ReadOnlySpan<byte> payload)
    {
        while (attributes.Length >= AttributeHeaderSize)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(attributes);
            ushort found = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attributes[2..]) & 0x3fff);
            if (length < AttributeHeaderSize || length > attributes.Length) break;
            if (found == type)
            {
                payload = attributes[AttributeHeaderSize..length];
                return true;
            }
            int next = Align(length);
            if (next >= attributes.Length) break;
            attributes = attributes[next..];
        }
        payload = default;
        return false;
    }
}
