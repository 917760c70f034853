using Diag.Linux.Toa;
using static Diag.Linux.Tests.Toa.ToaTestSupport;

namespace Diag.Linux.Tests.Toa;

/// <summary>One option given by hand: hex or bytes, with or without kind and length, and the kind map.</summary>
public class ToaOptionInputTests
{
    [Theory]
    [InlineData("c80830390a0a0101", 200)]
    [InlineData("C8 08 30 39 0A 0A 01 01", 200)]
    [InlineData("0x30390a0a0101", null)]     // as tcpdump prints it after unknown-200
    [InlineData("3039:0a0a:0101", null)]
    public void HexWithOrWithoutKindAndLength(string hex, int? kind)
    {
        var r = Assert.IsType<ToaRecord>(ToaOptionInput.FromHex(hex, ToaKindMap.Default));
        Assert.Equal((Addr("10.10.1.1"), 12345, ToaVariant.Toa, kind), (r.ClientAddress, r.ClientPort, r.VariantValue, r.OptionKind));
        Assert.Null(r.Source);
    }

    [Fact]
    public void DataAloneIsReadByItsLength()
    {
        var v6 = Assert.IsType<ToaRecord>(ToaOptionInput.FromHex("01bb20010db8000000000000000000000099", ToaKindMap.Default));
        Assert.Equal((ToaVariant.ToaV6, Addr("2001:db8::99"), 443), (v6.VariantValue, v6.ClientAddress, v6.ClientPort));
        // With a kind named, its layouts decide: 18 bytes of kind 252 are a VTOA, not an IPv6 TOA.
        var vtoa = Assert.IsType<ToaRecord>(ToaOptionInput.FromHex("15b30a09090900000309010203051f900000", ToaKindMap.Default, 252));
        Assert.Equal((ToaVariant.Vtoa, 777u, 252), (vtoa.VariantValue, vtoa.VpcId, vtoa.OptionKind));
    }

    [Fact]
    public void BytesWork() =>
        Assert.Equal(Addr("10.10.1.1"), Assert.IsType<ToaRecord>(ToaOptionInput.FromBytes([254, 8, 0x30, 0x39, 10, 10, 1, 1], ToaKindMap.Default)).ClientAddress);

    [Theory]
    [InlineData("30390a0a010", ToaProblemKind.InvalidHex, "odd number")]
    [InlineData("30390a0a01zz", ToaProblemKind.InvalidHex, "'z' at position")]
    [InlineData("", ToaProblemKind.InvalidHex, "no hex digits")]
    [InlineData("30390a0a01", ToaProblemKind.WrongLength, "5 bytes")]
    public void BadInputSaysWhy(string hex, ToaProblemKind kind, string says)
    {
        var problem = Assert.IsType<ToaProblem>(ToaOptionInput.FromHex(hex, ToaKindMap.Default));
        Assert.Equal(kind, problem.Kind);
        Assert.Contains(says, problem.Message);
    }

    [Fact]
    public void TheKindMapRefusesWhatCannotWork()
    {
        Assert.Contains("2 to 255", Assert.Throws<ArgumentException>(() => ToaKindMap.Default.With([new(1, [ToaVariant.Toa])])).Message);
        Assert.Contains("not a TOA layout", Assert.Throws<ArgumentException>(() => ToaKindMap.Default.With([new(230, [ToaVariant.PortOnly])])).Message);
        Assert.Contains("both Toa and ToaVip", Assert.Throws<ArgumentException>(() => ToaKindMap.Default.With([new(230, [ToaVariant.Toa, ToaVariant.ToaVip])])).Message);
        var map = ToaKindMap.Default.With([new(254, [ToaVariant.Toa]), new(230, [ToaVariant.Toa, ToaVariant.ToaV6])]);
        Assert.False(map.TryMatch(254, 20, out _));
        Assert.True(map.TryMatch(230, 20, out var v) && v == ToaVariant.ToaV6);
        Assert.Equal([200, 230, 249, 250, 252, 253, 254], map.Kinds);
    }
}
