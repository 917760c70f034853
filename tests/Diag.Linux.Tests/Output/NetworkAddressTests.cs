using System.Net;
using Diag.Linux.Output;

namespace Diag.Linux.Tests.Output;

public sealed class NetworkAddressTests
{
    [Fact]
    public void SortsIPv4NumericallyThenIPv6()
    {
        string[] text = ["2001:db8::1", "10.0.0.10", "::1", "9.9.9.9", "10.0.0.9", "fe80::1%2", "fe80::1%1", "10.0.0.9"];
        var sorted = text.Select(NetworkAddress.Parse).Order().Select(a => a.ToString());
        Assert.Equal(["9.9.9.9", "10.0.0.9", "10.0.0.9", "10.0.0.10", "::1", "2001:db8::1", "fe80::1%1", "fe80::1%2"], sorted);
    }

    [Fact]
    public void EqualIPv4AddressesCompareAsEqual()
    {
        // IPAddress.ScopeId throws for IPv4: comparing two equal IPv4 addresses must not reach it.
        Assert.Equal(0, NetworkAddress.Parse("10.0.0.9").CompareTo(NetworkAddress.Parse("10.0.0.9")));
        Assert.Equal(0, NetworkAddress.Parse("10.0.0.9").CompareTo((object)"10.0.0.9"));
    }

    [Fact]
    public void EqualsItsTextAndItsIPAddress()
    {
        var address = NetworkAddress.Parse("10.0.0.9");
        Assert.True(address.Equals("10.0.0.9"));
        Assert.True(address.Equals(IPAddress.Parse("10.0.0.9")));
        Assert.False(address.Equals("10.0.0.10"));
        Assert.False(address.Equals("not an address"));
        Assert.Equal(address.GetHashCode(), NetworkAddress.Parse(" 10.0.0.9 ").GetHashCode());
    }

    [Fact]
    public void AnIPv4MappedAddressIsTheIPv4Address()
    {
        var mapped = new NetworkAddress(IPAddress.Parse("::ffff:10.0.0.9"));
        Assert.Equal("10.0.0.9", mapped.Value);
        Assert.Equal("IPv4", mapped.Family);
        Assert.Equal(NetworkAddress.Parse("10.0.0.9"), mapped);
    }
}
