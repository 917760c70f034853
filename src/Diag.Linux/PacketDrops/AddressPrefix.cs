using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Diag.Linux.PacketDrops;

/// <summary>An address or a network in CIDR notation (<c>192.168.2.120</c>, <c>10.0.0.0/8</c>, <c>2001:db8::/32</c>), as
/// -Address takes it: a packet matches when its source or its destination is inside.</summary>
public sealed class AddressPrefix
{
    private AddressPrefix(IPAddress network, int length)
    {
        Network = network;
        Length = length;
    }

    /// <summary>The network's first address (host bits cleared).</summary>
    public IPAddress Network { get; }

    /// <summary>The prefix length: 32 or 128 for one address.</summary>
    public int Length { get; }

    public bool IsIPv6 => Network.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>The network address's bytes in network order (4 or 16).</summary>
    public byte[] NetworkBytes => Network.GetAddressBytes();

    /// <summary>The mask's bytes in network order (4 or 16).</summary>
    public byte[] MaskBytes
    {
        get
        {
            var mask = new byte[IsIPv6 ? 16 : 4];
            for (var bit = 0; bit < Length; bit++)
                mask[bit / 8] |= (byte)(0x80 >> (bit % 8));
            return mask;
        }
    }

    /// <summary>Parses an address or address/length. Throws <see cref="FormatException"/> with what is wrong.</summary>
    public static AddressPrefix Parse(string text)
    {
        var trimmed = text.Trim();
        var slash = trimmed.IndexOf('/');
        var addressText = slash < 0 ? trimmed : trimmed[..slash];
        // IPAddress also reads the old short forms (192.168.2 is 192.168.0.2): an IPv4 address here has four parts.
        if (!IPAddress.TryParse(addressText, out var address) || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3)
            throw new FormatException($"'{text}' is not an IP address or a network in CIDR notation (192.168.2.120, 10.0.0.0/8, 2001:db8::/32).");
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var length = bits;
        if (slash >= 0 && (!int.TryParse(trimmed[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > bits))
            throw new FormatException($"'{text}': the prefix length after / must be 0 to {bits}.");
        var bytes = address.GetAddressBytes();
        for (var bit = length; bit < bits; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new AddressPrefix(new IPAddress(bytes), length);
    }

    /// <summary>True when <paramref name="address"/> is inside.</summary>
    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != Network.AddressFamily)
            return false;
        var bytes = address.GetAddressBytes();
        var network = NetworkBytes;
        var mask = MaskBytes;
        for (var i = 0; i < bytes.Length; i++)
            if ((bytes[i] & mask[i]) != network[i])
                return false;
        return true;
    }

    public override string ToString() => Length == (IsIPv6 ? 128 : 32)
        ? Network.ToString()
        : string.Create(CultureInfo.InvariantCulture, $"{Network}/{Length}");
}
