using Diag.Linux.Netlink;
using Diag.Linux.Pipes;

namespace Diag.Linux.Tests.Pipes;

/// <summary>The texts and records the pipe scan reads, from fixtures: kernels print what they print.</summary>
public sealed class ParsingTests
{
    [Theory]
    [InlineData("pipe:[124628537]", "Pipe", 124628537UL)]
    [InlineData("socket:[42]", "Socket", 42UL)]
    [InlineData("/tmp/fifo (deleted)", "Path", 0UL)]
    [InlineData("anon_inode:[eventfd]", "Other", 0UL)]
    [InlineData("pipe:[12", "Other", 0UL)]
    [InlineData("pipe:[]", "Other", 0UL)]
    public void DescriptorLinks(string target, string kind, ulong inode)
    {
        Assert.Equal(kind, DescriptorLink.Parse(System.Text.Encoding.ASCII.GetBytes(target), out ulong parsed).ToString());
        Assert.Equal(inode, parsed);
    }

    [Fact]
    public void ASyscallLineGivesTheCallAndItsArguments()
    {
        var line = "1 0x1 0x7fff4f22b3e0 0x400 0x7fef23b2b4f0 0x0 0x7fff4f22b2e7 0x7fff4f22b3a0 0x7fef23c0a38f\n"u8;
        Span<long> arguments = stackalloc long[6];
        Assert.True(ThreadBlockReader.TryParse(line, out int number, arguments));
        Assert.Equal(1, number);
        Assert.Equal(1, arguments[0]);
        Assert.Equal(0x400, arguments[2]);
        Assert.False(ThreadBlockReader.TryParse("running\n"u8, out _, arguments));
        Assert.False(ThreadBlockReader.TryParse("-1 0x7ffc 0x7f00\n"u8, out _, arguments));
    }

    [Fact]
    public void SpliceBlocksOnItsInputOrOutput()
    {
        var splice = BlockingCalls.Of(275).ToArray();
        Assert.Equal([new BlockingCalls.FdArgument(0, EndpointAccess.Read), new BlockingCalls.FdArgument(2, EndpointAccess.Write)], splice);
        Assert.True(BlockingCalls.Of(7).IsEmpty); // poll names no single descriptor
    }

    [Theory]
    [InlineData(new byte[] { (byte)'/', (byte)'r', (byte)'u', (byte)'n', 0 }, "/run")]
    [InlineData(new byte[] { 0, (byte)'d', (byte)'b', (byte)'u', (byte)'s' }, "@dbus")]
    [InlineData(new byte[] { 0, (byte)'a', 0, (byte)'b' }, "@a@b")]
    public void UnixAddressesReadLikeSs(byte[] sunPath, string text) => Assert.Equal(text, UnixSocketDiag.AddressText(sunPath));
}
