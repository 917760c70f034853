using System.Net;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>Get-NetNeighbor run by PowerShell in a network namespace the test makes: Windows PowerShell's property names
/// and filters, the views at 80 columns, -Statistics, errors, and objects that went through serialization.</summary>
public sealed class GetNetNeighborCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private readonly PowerShellSession _pwsh;
    private readonly TestNetwork _network;

    public GetNetNeighborCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _network = TestNetwork.Create("nbps");
        using (var udp = _network.UdpSocket(_network.Client))
        {
            udp.SendTo(new byte[1], new IPEndPoint(IPAddress.Parse(TestNetwork.ServerAddress), 9));
            udp.SendTo(new byte[1], new IPEndPoint(IPAddress.Parse("10.231.0.99"), 9)); // nobody: Incomplete, then Failed
        }
        _pwsh.SetVariable("ns", _network.Client);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!_pwsh.Invoke("(Get-NetNeighbor -NetworkNamespace $ns 10.231.0.2).State -eq 'Reachable'").AssertClean().Single<bool>())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the server's address did not resolve");
            Thread.Sleep(20);
        }
    }

    public void Dispose() => _network.Dispose();

    [Fact]
    public void EntriesHaveWindowsPowerShellsNamesAndFilters()
    {
        var server = Assert.Single(_pwsh.Invoke("Get-NetNeighbor -NetworkNamespace $ns -IPAddress 10.231.0.2").AssertClean().Output);
        Assert.Equal("Diag.Linux.Neighbors.NetNeighbor", server.TypeNames[0]);
        Assert.Equal(("Reachable", TestNetwork.ClientInterface, "IPv4", "Ok"),
            ((string)server.Properties["State"].Value, (string)server.Properties["InterfaceAlias"].Value, (string)server.Properties["AddressFamily"].Value, (string)server.Properties["Diagnosis"].Value));
        Assert.Equal(server.Properties["InterfaceIndex"].Value, server.Properties["ifIndex"].Value);
        Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", (string)server.Properties["LinkLayerAddress"].Value);

        Assert.True(_pwsh.Invoke("(Get-NetNeighbor -NetworkNamespace $ns | Where-Object IPAddress -eq '10.231.0.2').Count -eq 1").AssertClean().Single<bool>());
        var unresolved = _pwsh.Invoke("Get-NetNeighbor -NetworkNamespace $ns -State Incomplete, Failed").AssertClean().Output;
        Assert.Equal("10.231.0.99", Assert.Single(unresolved).Properties["IPAddress"].Value.ToString());
        Assert.Single(_pwsh.Invoke("Get-NetNeighbor -NetworkNamespace $ns -InterfaceAlias 'veth-c*' -AddressFamily IPv4 -State Reachable").AssertClean().Output);
        Assert.Empty(_pwsh.Invoke("Get-NetNeighbor -NetworkNamespace $ns -InterfaceAlias lo").AssertClean().Output);
        var verbose = _pwsh.Invoke("Get-NetNeighbor -NetworkNamespace $ns -Verbose").AssertClean().Verbose;
        Assert.Matches(@"^net:\[\d+\] diag-test-nbps-\S+: \d+ neighbour entries read \(rtnetlink RTM_GETNEIGH\), 2 kept", Assert.Single(verbose));
        // By property name, as from another Get-NetNeighbor.
        Assert.Single(_pwsh.Invoke("[pscustomobject]@{ IPAddress = '10.231.0.2' } | Get-NetNeighbor -NetworkNamespace $ns").AssertClean().Output);
    }

    [Fact]
    public void TheTableShowsAddressStateAndDiagnosisAt80Columns()
    {
        var lines = _pwsh.Format("Get-NetNeighbor -NetworkNamespace $ns -State Reachable, Incomplete, Failed", 80).Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"longer than 80: '{l}'"));
        Assert.Contains(lines, l => l.Contains("IPAddress") && l.Contains("State") && l.Contains("Diagnosis"));
        Assert.Contains(lines, l => l.StartsWith("10.231.0.2 ", StringComparison.Ordinal) && l.Contains("Reachable") && l.Contains(" Ok"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^10\.231\.0\.99\s+veth-client\s+(Incomplete\s+Resolving|Failed\s+Unresolved)"));

        var statistics = _pwsh.Format("Get-NetNeighbor -NetworkNamespace $ns -Statistics", 80).Split('\n');
        Assert.All(statistics, l => Assert.True(l.Length <= 80, $"longer than 80: '{l}'"));
        Assert.Contains(statistics, l => l.StartsWith("IPv4 ", StringComparison.Ordinal) && l.Contains("/"));
        var interfaces = _pwsh.Format("Get-NetNeighbor -NetworkNamespace $ns -Statistics -AddressFamily IPv4 -InterfaceAlias veth* | Select-Object -ExpandProperty Interfaces", 80);
        Assert.Matches(@"veth-client\s+IPv4\s+3\s+1000 ms\s+3 s\s+\d+\s+\d+\s+[\d.]+ s", interfaces);
        Assert.All(interfaces.Split('\n'), l => Assert.True(l.Length <= 80, $"longer than 80: '{l}'"));
    }

    [Fact]
    public void SerializedEntriesKeepTheirAddressesAndViews()
    {
        _pwsh.Invoke("""
            $received = Get-NetNeighbor -NetworkNamespace $ns 10.231.0.2 | ForEach-Object {
                [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_)) }
            $tables = Get-NetNeighbor -NetworkNamespace $ns -Statistics | ForEach-Object {
                [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_)) }
            """).AssertClean();
        Assert.Equal("Deserialized.Diag.Linux.Neighbors.NetNeighbor", _pwsh.Invoke("$received.PSObject.TypeNames[0]").AssertClean().Single<string>());
        Assert.True(_pwsh.Invoke("$received.IPAddress -eq '10.231.0.2'").AssertClean().Single<bool>());
        Assert.Equal("veth-client", _pwsh.Invoke("($tables | Where-Object AddressFamily -eq IPv4).Interfaces.InterfaceAlias -match 'veth'").AssertClean().Output.Single().ToString());
        Assert.Matches(@"10\.231\.0\.2\s+veth-client\s+([0-9a-f]{2}:){5}[0-9a-f]{2} Reachable\s+Ok", _pwsh.Format("$received", 80));
        Assert.Matches(@"web1\s+10\.231\.0\.2\s+veth-client\s+Reachable\s+Ok",
            _pwsh.Format("$received | Add-Member -NotePropertyName PSComputerName -NotePropertyValue web1 -PassThru | Format-Table -View Fleet", 80));
        Assert.Matches(@"web1\s+IPv4\s+\d+",
            _pwsh.Format("$tables | Add-Member -NotePropertyName PSComputerName -NotePropertyValue web1 -PassThru | Format-Table -View Fleet", 80));
    }

    [Fact]
    public void AnAddressWithoutAnEntryIsAnErrorThatSaysHowItWouldBeReached()
    {
        var result = _pwsh.Invoke("Get-NetNeighbor -NetworkNamespace $ns 10.231.0.77, nonsense");
        Assert.Empty(result.Output);
        Assert.Equal(new[] { "InvalidIPAddress,Diag.Commands.GetNetNeighborCommand", "NetNeighborNotFound,Diag.Commands.GetNetNeighborCommand" },
            result.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Contains("it is reached directly on veth-client", result.Errors[1].Exception.Message);
        var json = _pwsh.Invoke("Get-NetNeighbor -NetworkNamespace $ns 10.231.0.2 | ConvertTo-Json -Depth 3").AssertClean().Single<string>();
        Assert.Contains("\"Value\": \"10.231.0.2\"", json);
        Assert.Contains("\"State\": \"Reachable\"", json);
    }
}
