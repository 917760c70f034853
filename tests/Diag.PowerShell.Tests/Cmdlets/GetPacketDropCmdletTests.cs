using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.RegularExpressions;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>
/// Get-PacketDrop run by PowerShell, in network namespaces each test makes, with a stream of packets the server drops
/// (a closed port) running while the cmdlet watches: objects and their properties, the pipeline stopping it with
/// nothing left in the kernel, errors, the default views, and objects that cross a process as Start-Job's do.
/// </summary>
[Collection(PacketDropPowerShellCollection.Name)]
public sealed partial class GetPacketDropCmdletTests : IClassFixture<PowerShellSession>
{
    private readonly PowerShellSession _pwsh;

    public GetPacketDropCmdletTests(PowerShellSession pwsh) => _pwsh = pwsh;

    /// <summary>The network, and SYNs to a closed port of the server every 20 ms until disposed.</summary>
    private sealed class Dropping : IDisposable
    {
        public Dropping(string purpose, string mode = "tcp-syn-loop", string port = "8200")
        {
            Network = PacketDropNetwork.Create(purpose);
            Network.StartTarget(Network.Client, out _, mode, PacketDropNetwork.ServerAddress, port, "20");
        }

        public PacketDropNetwork Network { get; }

        public void Dispose() => Network.Dispose();
    }

    [RootFact]
    public void StreamsTheDropsOfANamespaceAsObjects()
    {
        using var dropping = new Dropping("ps-stream");
        _pwsh.SetVariable("ns", dropping.Network.ServerInode);
        var r = _pwsh.Invoke("Get-PacketDrop -NetworkNamespace $ns -Port 8200 -Count 3 -Verbose | Where-Object Cause -eq 'ClosedPort'").AssertClean();

        Assert.Equal(3, r.Output.Count);
        foreach (var drop in r.Output)
        {
            Assert.Equal("Diag.Linux.PacketDrops.PacketDrop", drop.BaseObject.GetType().FullName);
            Assert.Equal("NO_SOCKET", drop.Properties["Reason"].Value);
            Assert.Equal("ClosedPort", drop.Properties["Cause"].Value.ToString());
            Assert.Equal("Tcp", drop.Properties["Protocol"].Value.ToString());
            Assert.Equal("Syn", drop.Properties["TcpFlags"].Value.ToString());
            Assert.Equal(PacketDropNetwork.ClientAddress, drop.Properties["SourceAddress"].Value.ToString());
            Assert.Equal(8200, drop.Properties["DestinationPort"].Value);
            Assert.Equal((long)dropping.Network.ServerInode, drop.Properties["NetworkNamespace"].Value);
            Assert.Equal(dropping.Network.Server, drop.Properties["NetworkNamespaceName"].Value);
        }
        Assert.False(ProgramExistsAfter(ProgramId(r.Verbose)), "the program outlived the cmdlet");
    }

    [RootFact]
    public void AddressesCompareAndSortAsAddresses()
    {
        using var dropping = new Dropping("ps-address");
        _pwsh.SetVariable("ns", dropping.Network.ServerInode);
        var r = _pwsh.Invoke("""
            $drops = Get-PacketDrop -NetworkNamespace $ns -Address 10.233.0.0/24 -Count 2
            @($drops | Where-Object DestinationAddress -eq '10.233.0.2').Count
            ($drops | Sort-Object SourceAddress | Select-Object -First 1).SourceAddress.Family
            $drops[0] | ConvertTo-Json -Depth 3 | ConvertFrom-Json | ForEach-Object { "$($_.Cause) $($_.SourceAddress.Value)" }
            """).AssertClean();
        Assert.Equal(2, r.Output[0].BaseObject);
        Assert.Equal("IPv4", r.Output[1].BaseObject);
        Assert.Equal($"ClosedPort {PacketDropNetwork.ClientAddress}", r.Output[2].BaseObject);
    }

    [RootFact]
    public void TheDefaultViewShowsWhyWhichFlowAndWhereAt80Columns()
    {
        using var dropping = new Dropping("ps-view");
        _pwsh.SetVariable("ns", dropping.Network.ServerInode);
        _pwsh.Invoke("$drops = Get-PacketDrop -NetworkNamespace $ns -Count 2").AssertClean();
        var narrow = _pwsh.Format("$drops", 80);
        var lines = narrow.Split('\n').Where(l => l.Trim().Length > 0).ToList();
        Assert.StartsWith("TIME     REASON/CAUSE      FLOW", lines[0], StringComparison.Ordinal);
        Assert.Contains("PLACE", lines[0], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= 80, l));
        Assert.Matches(@"\d\d:\d\d:\d\d ClosedPort\s+10\.233\.0\.1:\d+ > 10\.233\.0\.2:8200 tcp_v4_rcv", lines[2]);
        var wide = _pwsh.Format("$drops", 120);
        Assert.Contains("NETNS", wide, StringComparison.Ordinal);
        Assert.Contains(dropping.Network.Server[..20], wide, StringComparison.Ordinal); // the name, as much as fits
        Assert.Contains(PacketDropNetwork.ServerInterface, wide, StringComparison.Ordinal);
    }

    [RootFact]
    public void ASummaryCountsBesideTheKernelsOwnCounters()
    {
        using var dropping = new Dropping("ps-summary", "udp-send-loop", "9");
        _pwsh.SetVariable("ns", dropping.Network.ServerInode);
        var r = _pwsh.Invoke("Get-PacketDrop -NetworkNamespace $ns -Summary -Duration 3").AssertClean();

        var rows = r.Output.Where(o => o.BaseObject.GetType().Name == "PacketDropSummary").ToList();
        var counters = r.Output.Where(o => o.BaseObject.GetType().Name == "PacketDropCounter").ToList();
        var closed = Assert.Single(rows, o => (string)o.Properties["Reason"].Value == "NO_SOCKET");
        Assert.Equal("ClosedPort", closed.Properties["Cause"].Value.ToString());
        Assert.True((long)closed.Properties["Count"].Value > 0);
        Assert.True((double)closed.Properties["RatePerSecond"].Value > 0);
        var noPorts = Assert.Single(counters, o => (string)o.Properties["Counter"].Value == "Udp:NoPorts");
        Assert.True((long)noPorts.Properties["Increase"].Value > 0);
        Assert.Contains("NO_SOCKET", (string)noPorts.Properties["ComparesWith"].Value, StringComparison.Ordinal);
        // Rows first, then the counters.
        var order = r.Output.ToList();
        Assert.True(order.IndexOf(closed) < order.IndexOf(noPorts));
    }

    [RootFact]
    public void SummaryAndCounterViewsFitIn80Columns()
    {
        using var dropping = new Dropping("ps-sumview", "udp-send-loop", "9");
        _pwsh.SetVariable("ns", dropping.Network.ServerInode);
        _pwsh.Invoke("$summary = Get-PacketDrop -NetworkNamespace $ns -Summary -Duration 2; $flows = Get-PacketDrop -NetworkNamespace $ns -ByFlow -Duration 2").AssertClean();
        var summary = _pwsh.Format("$summary", 80);
        Assert.Contains("COUNT    RATE/S REASON/CAUSE", summary, StringComparison.Ordinal);
        Assert.Contains("ClosedPort", summary, StringComparison.Ordinal);
        // The kernel's counters are rows of the same table, not a list printed apart.
        Assert.Matches(@"\n\s*\d+\s+[\d.]+ kernel counter\s+Udp:NoPorts ", summary);
        Assert.DoesNotContain("ComparesWith", summary, StringComparison.Ordinal);
        Assert.All(summary.Split('\n'), l => Assert.True(l.TrimEnd().Length <= 80, l));
        var flows = _pwsh.Format("$flows", 80);
        Assert.Matches(@"ClosedPort\s+10\.233\.0\.1:\d+ > 10\.233\.0\.2:9 ", flows);
        Assert.Matches(@"\n\s*\d+ kernel counter\s+Udp:NoPorts ", flows);
        Assert.DoesNotContain("ComparesWith", flows, StringComparison.Ordinal);
    }

    [RootFact]
    public void SelectObjectFirstDetachesEverything()
    {
        using var dropping = new Dropping("ps-first");
        _pwsh.SetVariable("ns", dropping.Network.ServerInode);
        var r = _pwsh.Invoke("Get-PacketDrop -NetworkNamespace $ns -Verbose | Select-Object -First 1").AssertClean();
        Assert.Single(r.Output);
        Assert.False(ProgramExistsAfter(ProgramId(r.Verbose)), "the program outlived Select-Object -First");
    }

    [RootFact]
    public void StoppingThePipelineDetachesEverything()
    {
        // As Ctrl+C: PowerShell.Stop once the program is attached (the verbose line that names it has come).
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(TestEnvironment.ModuleManifest);
        using var runspace = RunspaceFactory.CreateRunspace(state);
        runspace.Open();
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("Get-PacketDrop -Verbose");
        uint? id = null;
        ps.Streams.Verbose.DataAdded += (_, e) =>
        {
            var message = ps.Streams.Verbose[e.Index].Message;
            if (message.Contains("BPF program", StringComparison.Ordinal))
            {
                id = ProgramId([message]);
                ps.BeginStop(null, null);
            }
        };
        var async = ps.BeginInvoke();
        try
        {
            ps.EndInvoke(async);
        }
        catch (PipelineStoppedException)
        {
        }
        Assert.NotNull(id);
        Assert.False(ProgramExistsAfter(id!.Value), "the program outlived the stopped pipeline");
    }

    [Fact]
    public void ParametersThatCannotGoTogetherAreRefused()
    {
        Assert.Equal("CountWithSummary,Diag.Commands.GetPacketDropCommand", Terminating("Get-PacketDrop -Summary -Count 5"));
        Assert.Equal("IntervalWithoutSummary,Diag.Commands.GetPacketDropCommand", Terminating("Get-PacketDrop -Interval 5"));
        Assert.Equal("InvalidDuration,Diag.Commands.GetPacketDropCommand", Terminating("Get-PacketDrop -Duration 0"));
        Assert.Equal("InvalidAddress,Diag.Commands.GetPacketDropCommand", Terminating("Get-PacketDrop -Address 192.168.2.300"));
        Assert.Equal("UnknownReason,Diag.Commands.GetPacketDropCommand", Terminating("Get-PacketDrop -Reason TABLE_FULL"));
        var missing = _pwsh.Invoke("Get-PacketDrop -Name no-such-process-anywhere -Duration 1");
        Assert.Equal("NoProcessFoundForGivenName,Diag.Commands.GetPacketDropCommand", missing.SingleError().FullyQualifiedErrorId);
    }

    [Fact]
    public void ReasonsCompleteFromTheRunningKernel()
    {
        var r = _pwsh.Invoke("(TabExpansion2 -inputScript 'Get-PacketDrop -Reason NETF' -cursorColumn 27).CompletionMatches.CompletionText").AssertClean();
        Assert.Equal("NETFILTER_DROP", Assert.Single(r.Output).BaseObject);
    }

    [RootFact]
    public void NestedObjectsSurviveAJob()
    {
        using var dropping = new Dropping("ps-job");
        using var job = new OutOfProcessSession();
        var r = job.Invoke($"Get-PacketDrop -NetworkNamespace {dropping.Network.ServerInode} -Port 8200 -Stack -Count 1").AssertClean();
        var drop = Assert.Single(r.Output);
        Assert.Contains("Deserialized.Diag.Linux.PacketDrops.PacketDrop", drop.TypeNames);
        var source = Assert.IsType<PSObject>(drop.Properties["SourceAddress"].Value);
        Assert.Equal(PacketDropNetwork.ClientAddress, source.Properties["Value"].Value);
        Assert.Equal("IPv4", source.Properties["Family"].Value);
        var stack = Assert.IsType<PSObject>(drop.Properties["KernelStack"].Value).BaseObject;
        Assert.Contains(((IEnumerable)stack).Cast<object>().Select(f => f.ToString()), f => f!.StartsWith("tcp_v4_rcv+0x", StringComparison.Ordinal));
        Assert.Equal("ClosedPort", drop.Properties["Cause"].Value.ToString()); // an enum arrives as its name
    }

    /// <summary>The error that ended the command (a cmdlet's terminating error ends its statement, not the script).</summary>
    private string Terminating(string script)
    {
        var r = _pwsh.Invoke(script);
        Assert.Empty(r.Output);
        return r.SingleError().FullyQualifiedErrorId;
    }

    /// <summary>The program id the verbose line names.</summary>
    private static uint ProgramId(IEnumerable<string> verbose)
    {
        var line = Assert.Single(verbose, v => v.Contains("BPF program", StringComparison.Ordinal));
        return uint.Parse(ProgramIdPattern().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"BPF program (\d+)")]
    private static partial Regex ProgramIdPattern();

    /// <summary>True while bpftool still shows the program after waiting up to 30 s (the kernel frees it after an RCU
    /// grace period, which a loaded machine stretches).</summary>
    private static bool ProgramExistsAfter(uint id)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var info = new ProcessStartInfo("bpftool", ["prog", "show", "id", id.ToString(CultureInfo.InvariantCulture)])
                { RedirectStandardOutput = true, RedirectStandardError = true };
            using var bpftool = Process.Start(info)!;
            bpftool.StandardOutput.ReadToEnd();
            bpftool.StandardError.ReadToEnd();
            bpftool.WaitForExit();
            if (bpftool.ExitCode != 0)
                return false;
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
                return true;
            Thread.Sleep(50);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PacketDropPowerShellCollection
{
    public const string Name = "Get-PacketDrop (one tracepoint, one nf_conntrack_max)";
}
