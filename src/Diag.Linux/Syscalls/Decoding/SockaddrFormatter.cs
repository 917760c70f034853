using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace Diag.Linux.Syscalls.Decoding;

/// <summary>
/// Prints a struct sockaddr the way a troubleshooter reads it: AF_INET as <c>127.0.0.1:53</c>,
/// AF_INET6 as <c>[::1]:53</c>, AF_UNIX as its quoted path (<c>"@name"</c> for the abstract
/// namespace, <c>{sa_family=AF_UNIX}</c> unnamed), AF_NETLINK as strace does
/// (<c>{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}</c>), other families as <c>{sa_family=AF_PACKET}</c>.
/// </summary>
internal static class SockaddrFormatter
{
    /// <summary>sizeof(struct sockaddr_storage): more is never meaningful.</summary>
    private const int MaxLength = 128;

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="address"/> and formats them;
    /// NULL for 0, the address in hex when unreadable.</summary>
    public static string Read(ITraceeMemory memory, ulong address, long length)
    {
        if (address == 0)
            return "NULL";
        if (length <= 0)
            return NumberText.Hex(address);
        var bytes = new byte[Math.Min(length, MaxLength)];
        return TraceeMemoryReads.TryRead(memory, address, bytes) ? Format(bytes) : NumberText.Hex(address);
    }

    public static string Format(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length < 2)
            return "{sa_family=?}";
        var family = BinaryPrimitives.ReadUInt16LittleEndian(sockaddr);
        switch (family)
        {
            case SocketFlagSets.AF_INET when sockaddr.Length >= 8:
                return $"{new IPAddress(sockaddr.Slice(4, 4))}:{Port(sockaddr)}";
            case SocketFlagSets.AF_INET6 when sockaddr.Length >= 24:
                var scope = sockaddr.Length >= 28 ? BinaryPrimitives.ReadUInt32LittleEndian(sockaddr.Slice(24, 4)) : 0;
                var address = new IPAddress(sockaddr.Slice(8, 16), scope);
                return $"[{address}]:{Port(sockaddr)}";
            case SocketFlagSets.AF_UNIX:
                return UnixPath(sockaddr[2..]);
            case SocketFlagSets.AF_NETLINK when sockaddr.Length >= 12:
                return FormattableString.Invariant(
                    $"{{sa_family=AF_NETLINK, nl_pid={BinaryPrimitives.ReadInt32LittleEndian(sockaddr[4..])}, nl_groups={BinaryPrimitives.ReadUInt32LittleEndian(sockaddr[8..]):x8}}}");
            default:
                return "{sa_family=" + SocketFlagSets.AddressFamilies.Format(family) + "}";
        }
    }

    private static string Port(ReadOnlySpan<byte> sockaddr) =>
        BinaryPrimitives.ReadUInt16BigEndian(sockaddr.Slice(2, 2)).ToString(CultureInfo.InvariantCulture);

    private static string UnixPath(ReadOnlySpan<byte> path)
    {
        if (path.Length == 0)
            return "{sa_family=AF_UNIX}"; // unnamed (socketpair, unbound), as strace shows it
        if (path[0] == 0)
        {
            // Abstract namespace: not NUL-terminated, the length says where it ends.
            var name = new byte[path.Length];
            name[0] = (byte)'@';
            path[1..].CopyTo(name.AsSpan(1));
            return StringEscaper.Quote(name, truncated: false);
        }
        var end = path.IndexOf((byte)0);
        return StringEscaper.Quote(end >= 0 ? path[..end] : path, truncated: false);
    }
}
