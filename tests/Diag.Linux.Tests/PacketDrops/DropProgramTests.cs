using System.Runtime.CompilerServices;
using Diag.Linux.Bpf;
using Diag.Linux.PacketDrops;
using Diag.Linux.Tests.Bpf;

namespace Diag.Linux.Tests.PacketDrops;

/// <summary>
/// The drop program instruction by instruction: its listings are checked in (Programs/*.txt: the reviewed form of the
/// bytecode, with a fixed layout and fixed reason numbers, those of Linux 6.18, so that the listings do not depend on
/// the kernel the tests run on), and every variant, with the running kernel's layout, passes its verifier.
/// To accept a changed listing after reviewing it: DIAG_UPDATE_LISTINGS=1 dotnet test ... --filter DropProgramTests.
/// </summary>
public sealed class DropProgramTests
{
    public static TheoryData<string> Listings => new() { "stream", "stream-filtered", "summary", "summary-by-flow-stack" };

    [RootTheory]
    [MemberData(nameof(Listings))]
    public void ListingIsTheReviewedOne(string variant)
    {
        var settings = Settings(variant);
        using var maps = DropMaps.Create(settings);
        var code = new DropProgram(settings, maps).Build();
        var listing = $"# {variant}: {settings}\n\n{DropProgram.Name} ({code.Length} instructions)\n" + BpfListing.Render(code, maps.NamesByFd());
        var file = Path.Combine(SourceDirectory(), "Programs", variant + ".txt");
        if (Environment.GetEnvironmentVariable("DIAG_UPDATE_LISTINGS") == "1")
            File.WriteAllText(file, listing);
        Assert.True(File.Exists(file), $"{file} is missing: review the listing and run with DIAG_UPDATE_LISTINGS=1");
        Assert.Equal(File.ReadAllText(file), listing);
    }

    [RootFact]
    public void EveryVariantPassesTheVerifier()
    {
        var loaded = 0;
        foreach (var summary in new[] { false, true })
        foreach (var byFlow in summary ? new[] { false, true } : [false])
        foreach (var stack in new[] { false, true })
        foreach (var filtered in new[] { false, true })
        foreach (var reasons in new[] { "none", "netfilter-only", "not-netfilter" })
        {
            var filter = filtered ? Filtered : new DropFilter();
            filter = reasons switch
            {
                "netfilter-only" => With(filter, reasons: ["NETFILTER_DROP"]),
                "not-netfilter" => With(filter, reasons: ["NO_SOCKET", "TCP_LISTEN_OVERFLOW"]),
                _ => filter,
            };
            var settings = DropProgramSettings.Create(filter, DropReasons.Running(), SkbLayout.Running(), summary, byFlow, stack);
            using var maps = DropMaps.Create(settings);
            var code = new DropProgram(settings, maps).Build();
            using var program = BpfProgram.LoadTracing(DropProgram.Name, code, BpfAttachType.TraceRawTracepoint, settings.Layout.TracepointBtfId);
            Assert.False(program.Fd.IsInvalid);
            Assert.True(code.Length < 1000, $"{settings}: {code.Length} instructions");
            loaded++;
        }
        Assert.Equal(3 * 2 * 2 * 3, loaded); // stream, summary, by flow; stack or not; filtered or not; three reason sets
    }

    private static readonly DropFilter Filtered = new()
    {
        Addresses = [AddressPrefix.Parse("192.168.2.120"), AddressPrefix.Parse("10.0.0.0/8"), AddressPrefix.Parse("2001:db8::/33")],
        Ports = [8100, 443],
        Protocols = [IpProtocol.Tcp, IpProtocol.Udp],
        NetworkNamespaces = [4026531840, 4026532000],
        Interfaces = ["eth0", "veth*"],
    };

    private static DropFilter With(DropFilter f, string[] reasons) => new()
    {
        Addresses = f.Addresses, Ports = f.Ports, Protocols = f.Protocols, NetworkNamespaces = f.NetworkNamespaces, Interfaces = f.Interfaces,
        Reasons = reasons,
    };

    private static DropProgramSettings Settings(string variant) => variant switch
    {
        "stream" => DropProgramSettings.Create(new DropFilter(), FixedReasons, FixedLayout, summary: false, byFlow: false, stack: false),
        "stream-filtered" => DropProgramSettings.Create(Filtered, FixedReasons, FixedLayout, summary: false, byFlow: false, stack: false),
        "summary" => DropProgramSettings.Create(new DropFilter(), FixedReasons, FixedLayout, summary: true, byFlow: false, stack: false),
        _ => DropProgramSettings.Create(new DropFilter { Ports = [8100] }, FixedReasons, FixedLayout, summary: true, byFlow: true, stack: true),
    };

    /// <summary>Linux 6.18's offsets (x86_64), fixed.</summary>
    private static readonly SkbLayout FixedLayout = new()
    {
        Kernel = "Linux 6.18 (fixed for the listings)", TracepointBtfId = 1, HasReason = true, HasReceivingSocket = true,
        Head = 192, Data = 200, NetworkHeader = 180, Protocol = 176, Length = 112, Device = 16, Socket = 24, Conntrack = 104,
        DeviceNamespace = 264, DeviceIndex = 224, DeviceName = 280, SocketNamespace = 48, NamespaceInode = 184,
        ConntrackStatistics = 2896, ConntrackDropCounter = 20, PerCpuArrayBase = 312,
    };

    /// <summary>Linux 6.18's numbers for the reasons the listings name.</summary>
    private static readonly DropReasons FixedReasons = DropReasons.From(new Diag.Linux.Bpf.Btf.BtfEnum("skb_drop_reason", 1, 4, false,
    [
        new("SKB_NOT_DROPPED_YET", 0), new("SKB_CONSUMED", 1), new("SKB_DROP_REASON_NOT_SPECIFIED", 2), new("SKB_DROP_REASON_NO_SOCKET", 3),
        new("SKB_DROP_REASON_NETFILTER_DROP", 12), new("SKB_DROP_REASON_TCP_LISTEN_OVERFLOW", 40),
    ]), "Linux 6.18 (fixed for the listings)");

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
