using System.Net;
using Diag.Linux.Output;

namespace Diag.Linux.Neighbors;

/// <summary>Which neighbour entries Get-NetNeighbor asks for: namespaces, addresses (exact or CIDR prefixes), states,
/// interfaces and families. Empty lists select everything (for states: everything but NoArp, as <c>ip neigh</c>).</summary>
public sealed class NeighborQuery
{
    /// <summary>Namespaces as typed (inode, net:[N], ip netns name, path, All); empty: the caller's own.</summary>
    public IReadOnlyList<string> NetworkNamespaces { get; init; } = [];

    /// <summary>Addresses: <c>10.0.0.5</c>, <c>fe80::1</c>, or prefixes <c>10.0.0.0/24</c>.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    public IReadOnlyList<NeighborState> States { get; init; } = [];

    /// <summary>Keeps interfaces whose name this accepts (the cmdlet's wildcard match); null keeps all.</summary>
    public Func<string, bool>? InterfaceFilter { get; init; }

    public IReadOnlyList<int> InterfaceIndexes { get; init; } = [];

    /// <summary>IPv4 or IPv6; null for both.</summary>
    public string? AddressFamily { get; init; }

    /// <summary>Parses an address or a prefix; false (and why) when it is neither.</summary>
    public static bool TryParseAddress(string text, out IPAddress address, out int prefixLength, out string? problem)
    {
        problem = null;
        prefixLength = -1;
        string part = text.Trim();
        int slash = part.IndexOf('/');
        if (slash >= 0)
        {
            if (!int.TryParse(part[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefixLength))
            {
                address = IPAddress.None;
                problem = $"'{text}' has no prefix length after the slash";
                return false;
            }
            part = part[..slash];
        }
        if (!IPAddress.TryParse(part, out address!))
        {
            address = IPAddress.None;
            problem = $"'{text}' is not an IP address or prefix (10.0.0.5, 10.0.0.0/24, fe80::1)";
            return false;
        }
        address = new NetworkAddress(address).ToIPAddress();
        int bits = address.GetAddressBytes().Length * 8;
        if (prefixLength > bits)
        {
            problem = $"'{text}': an {(bits == 32 ? "IPv4" : "IPv6")} prefix is at most {bits} bits";
            return false;
        }
        return true;
    }

    internal static bool Matches(byte[] candidate, IPAddress address, int prefixLength)
    {
        var bytes = address.GetAddressBytes();
        if (bytes.Length != candidate.Length) return false;
        int bits = prefixLength < 0 ? bytes.Length * 8 : prefixLength;
        for (int i = 0; i < bytes.Length && bits > 0; i++, bits -= 8)
        {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((bytes[i] & mask) != (candidate[i] & mask)) return false;
        }
        return true;
    }
}
