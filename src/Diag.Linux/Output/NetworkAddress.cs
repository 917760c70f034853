using System.Net;
using System.Net.Sockets;

namespace Diag.Linux.Output;

/// <summary>
/// An IP address as Diag's objects carry it: it sorts as an address (IPv4 before IPv6, then numerically: 10.0.0.9 before
/// 10.0.0.10), compares equal to its text (<c>Where-Object ClientAddress -eq '10.0.0.9'</c>: PowerShell converts the
/// text through <see cref="Parse"/>), prints and exports as text, and writes to JSON as <c>{"Address":"10.0.0.9","Family":"IPv4"}</c>
/// rather than IPAddress's fifteen fields. <see cref="ToIPAddress"/> gives the .NET address for anything else.
/// </summary>
public sealed class NetworkAddress : IComparable<NetworkAddress>, IComparable, IEquatable<NetworkAddress>
{
    private readonly IPAddress _address;
    private readonly byte[] _bytes;

    public NetworkAddress(IPAddress address)
    {
        // An IPv4 address carried in IPv6 (::ffff:10.0.0.9) is the IPv4 address a user knows.
        _address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        _bytes = _address.GetAddressBytes();
        Address = _address.ToString();
    }

    /// <summary>The address as text: <c>10.0.0.9</c>, <c>2001:db8::1</c>.</summary>
    public string Address { get; }

    /// <summary>IPv4 or IPv6.</summary>
    public string Family => _address.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    /// <summary>The .NET address (for IsLoopback, subnet checks, sockets).</summary>
    public IPAddress ToIPAddress() => _address;

    /// <summary>Parses text as IPAddress.Parse does (PowerShell uses it to compare with a string).</summary>
    public static NetworkAddress Parse(string text) => new(IPAddress.Parse(text.Trim()));

    public int CompareTo(NetworkAddress? other)
    {
        if (other is null) return 1;
        if (_bytes.Length != other._bytes.Length) return _bytes.Length.CompareTo(other._bytes.Length); // IPv4 first
        var order = _bytes.AsSpan().SequenceCompareTo(other._bytes);
        // ScopeId throws for an IPv4 address (SocketException: operation not supported): equal IPv4 addresses are equal.
        if (order != 0 || _bytes.Length == 4)
            return order;
        return _address.ScopeId.CompareTo(other._address.ScopeId);
    }

    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        NetworkAddress other => CompareTo(other),
        IPAddress ip => CompareTo(new NetworkAddress(ip)),
        string text when IPAddress.TryParse(text, out var ip) => CompareTo(new NetworkAddress(ip)),
        _ => throw new ArgumentException($"cannot compare an address with {obj.GetType().Name}", nameof(obj)),
    };

    public bool Equals(NetworkAddress? other) => other is not null && _address.Equals(other._address);

    public override bool Equals(object? obj) => obj switch
    {
        NetworkAddress other => Equals(other),
        IPAddress ip => Equals(new NetworkAddress(ip)),
        string text => IPAddress.TryParse(text, out var ip) && Equals(new NetworkAddress(ip)),
        _ => false,
    };

    public override int GetHashCode() => _address.GetHashCode();

    public override string ToString() => Address;
}
