using System.Management.Automation;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>The conntrack tests change nf_conntrack_max (global): one class at a time here, and ConntrackLimit locks
/// across processes (the engine suite may run at the same time).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConntrackCmdletCollection
{
    public const string Name = "conntrack cmdlet";
}

/// <summary>Test-ConntrackCapacity run by PowerShell on a table the test fills in its own network namespace: the
/// checklist at 80 and 120 columns with every command on one line, one row per namespace, binding, errors, JSON and
/// CSV, and objects that went through serialization (as Start-Job and Invoke-Command bring them back).</summary>
[Collection(ConntrackCmdletCollection.Name)]
public sealed class TestConntrackCapacityCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private const int Max = 32;
    private readonly PowerShellSession _pwsh;
    private readonly TestNetwork _network;
    private readonly ulong _inode;

    public TestConntrackCapacityCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        _network = TestNetwork.Create("ctps");
        _network.TrackConnectionsInServer();
        _network.Listen(8100);
        _inode = TestNetwork.InodeOf(_network.Server);
        _pwsh.SetVariable("ns", _network.Server);
        _pwsh.SetVariable("inode", _inode);
    }

    public void Dispose() => _network.Dispose();

    /// <summary>Fills the server's table to <see cref="Max"/> and runs <paramref name="script"/> while more connections
    /// keep coming (and being dropped).</summary>
    private PowerShellResult WhileFull(string script)
    {
        using var limit = ConntrackLimit.Lower(Max);
        for (int i = 0; i < Max; i++) _network.StartConnect(8100);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (TestNetwork.In(_network.Server, () => long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_count").Trim())) < Max)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the table did not fill");
            Thread.Sleep(20);
        }
        using var stop = new CancellationTokenSource();
        var load = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                _network.StartConnect(8100);
                stop.Token.WaitHandle.WaitOne(20);
            }
        });
        try
        {
            return _pwsh.Invoke(script);
        }
        finally
        {
            stop.Cancel();
            load.Wait();
        }
    }

    [Fact]
    public void TheChecklistReadsAt80ColumnsWithEveryCommandWhole()
    {
        var result = WhileFull("Test-ConntrackCapacity -NetworkNamespace $ns | Tee-Object -Variable report | Out-String -Width 80").AssertClean();
        string text = string.Join("\n", result.Output.Select(o => o.ToString()));
        var lines = text.Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"longer than 80: '{l}'"));
        // Words are never cut: the message under Capacity, its lines joined, is the message.
        var report = _pwsh.Invoke("$report").AssertClean().Output.Single();
        string Property(object o, string name) => (string)PSObject.AsPSObject(o).Properties[name].Value;
        var checks = ((System.Collections.IEnumerable)report.Properties["Checks"].Value).Cast<object>().ToList();
        var capacity = checks.Single(c => Property(c, "Check") == "Capacity");
        var under = lines.SkipWhile(l => !l.StartsWith("  FAIL  Capacity", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.Trim() != "Remedy:");
        Assert.Equal(Property(capacity, "Message"), string.Join(" ", under.Select(l => l.Trim())));
        // Commands are never cut where they fit: each on one line of its own; one longer than the line (ip netns exec NAME
        // sysctl -w net.netfilter.nf_conntrack_tcp_timeout_…) goes on over the next lines after ' \', as a shell reads it.
        string shell = System.Text.RegularExpressions.Regex.Replace(text, @" \\\n +", " ");
        var shellLines = shell.Split('\n');
        foreach (var command in checks.SelectMany(c => Property(c, "Remedy").Split('\n')).Where(c => c.Length > 0))
        {
            Assert.True(shellLines.Any(l => l.Trim() == command), $"not whole: {command}");
        }
        Assert.Contains(lines, l => l.EndsWith(" \\", StringComparison.Ordinal)); // the namespace's name makes the timeout's command long
        Assert.Contains($"Conntrack in net:[{_inode}] {_network.Server}: DROPPING", lines);
        Assert.True(lines.Any(l => l.StartsWith("  FAIL  Capacity        32 of 32 entries (100%)", StringComparison.Ordinal)), text);
        // Commands are never cut: each is on one line of its own.
        Assert.Contains("                          sysctl -w net.netfilter.nf_conntrack_max=65536", lines);
        Assert.Contains(lines, l => l.Trim() == $"ip netns exec {_network.Server} nft -f - <<'EOF'");
        // The nft block stays aligned: every line at the indent where its longest fits (here the left edge: 76 columns).
        Assert.Contains("add chain inet diag_notrack pre { type filter hook prerouting priority raw; }", lines);
        Assert.Contains("add rule inet diag_notrack pre tcp dport 8100 notrack", lines);
        Assert.Contains(lines, l => l.StartsWith("  FAIL  TableFullDrops  ", StringComparison.Ordinal));

        // Format-Table: one row for the namespace, with its verdict and what fails.
        var table = _pwsh.Format("$report | Format-Table", 80).Split('\n');
        var row = Assert.Single(table, l => l.StartsWith(_inode.ToString(), StringComparison.Ordinal));
        Assert.Matches($@"^{_inode} diag-test-ctps-\S*\s+32\s+32\s+100\s+[\d.]+ Dropping", row); // a long name is cut at 16
        Assert.Contains("NETNS NAMESPACE", table.Single(l => l.Contains("VERDICT")));

        // The checks of a report have the same view; Format-Table gives one line each.
        var checkRows = _pwsh.Format("$report.Checks | Format-Table", 120).Split('\n');
        Assert.Contains(checkRows, l => l.StartsWith("FAIL   Capacity", StringComparison.Ordinal));
        Assert.Equal(9, checkRows.Count(l => l.Length > 0 && l[0] is 'F' or 'P' or 'W' or 'I' && l[4] == ' '));
    }

    [Fact]
    public void SerializedReportsKeepTheirViewsAndNestedObjects()
    {
        // PSSerializer does what Start-Job and Invoke-Command do, with the types' SerializationDepth.
        WhileFull("""
            $sent = Test-ConntrackCapacity -NetworkNamespace $ns -SampleSeconds 0.5
            $received = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($sent))
            """).AssertClean();
        Assert.Equal("Deserialized.Diag.Linux.Conntrack.ConntrackReport", _pwsh.Invoke("$received.PSObject.TypeNames[0]").AssertClean().Single<string>());
        Assert.Equal("Fail", _pwsh.Invoke("($received.Checks | Where-Object Check -eq 'Capacity').Status").AssertClean().Single<string>());
        Assert.Equal("tcp/8100", _pwsh.Invoke("$received.TopDestinationPorts[0].Name").AssertClean().Single<string>());
        // The address comes back as an address again: it compares with text.
        Assert.True(_pwsh.Invoke("$received.TopSources[0].IPAddress -eq '10.231.0.1'").AssertClean().Single<bool>());
        Assert.Equal("Diag.Linux.Output.NetworkAddress", _pwsh.Invoke("$received.TopSources[0].IPAddress.GetType().FullName").AssertClean().Single<string>());
        var text = _pwsh.Format("$received", 80);
        Assert.Contains($"Conntrack in net:[{_inode}] {_network.Server}: DROPPING", text);
        Assert.Contains("  sysctl -w net.netfilter.nf_conntrack_max=65536\n", text);
        var fleet = _pwsh.Format("$received | Add-Member -NotePropertyName PSComputerName -NotePropertyValue web1 -PassThru | Format-Table -View Fleet", 80);
        Assert.Matches(@"web1\s+diag-test-ctps-\S*\s+32\s+32\s+100", fleet); // a long name is cut at 16 columns
    }

    [Fact]
    public void JsonAndCsvReadAsTheChecklistDoes()
    {
        var json = _pwsh.Invoke("Test-ConntrackCapacity -NetworkNamespace $ns -SampleInterval 0.2 -Verbose -OutVariable r | ConvertTo-Json -Depth 4").AssertClean().Single<string>();
        Assert.Contains("Counters of 1 namespace(s) from ctnetlink.", _pwsh.Invoke("Test-ConntrackCapacity -NetworkNamespace $ns -SampleInterval 0.1 -Verbose").AssertClean().Verbose);
        Assert.Contains("\"Verdict\": \"Idle\"", json);
        Assert.Contains("\"Check\": \"Capacity\"", json);
        Assert.Contains("\"Status\": \"Pass\"", json);
        Assert.Contains("\"SampleInterval\": {", json);
        var csv = _pwsh.Invoke("Test-ConntrackCapacity -NetworkNamespace $ns -SampleInterval 0.2 | ConvertTo-Csv").AssertClean().Output.Select(o => o.ToString()!).ToList();
        Assert.Equal(2, csv.Count);
        Assert.Contains("\"Pass Capacity: 0 of ", csv[1]);
    }

    [Theory]
    [InlineData("Test-ConntrackCapacity -NetworkNamespace $ns -SampleInterval 0.1")]
    [InlineData("Test-ConntrackCapacity -NetworkNamespace \"net:[$inode]\" -SampleSeconds 0.1")]
    [InlineData("Test-ConntrackCapacity -NetworkNamespace \"/run/netns/$ns\" -SampleInterval 00:00:00.1")]
    [InlineData("Test-ConntrackCapacity -Id $sleeper -SampleInterval 0.1")]
    [InlineData("[pscustomobject]@{ ProcessId = $sleeper } | Test-ConntrackCapacity -SampleInterval 0.1")]
    [InlineData("Get-Process -Id $sleeper | Test-ConntrackCapacity -SampleInterval 0.1")]
    public void TheNamespaceIsChosenByNameInodePathOrProcess(string script)
    {
        using var sleeper = System.Diagnostics.Process.Start("ip", ["netns", "exec", _network.Server, "sleep", "300"])!;
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            while (new FileInfo($"/proc/{sleeper.Id}/ns/net").LinkTarget != $"net:[{_inode}]")
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "ip netns exec did not enter the namespace");
                Thread.Sleep(10);
            }
            _pwsh.SetVariable("sleeper", sleeper.Id);
            var report = Assert.Single(_pwsh.Invoke(script).AssertClean().Output);
            Assert.Equal(_inode, report.Properties["NetworkNamespace"].Value);
            Assert.Equal(_network.Server, report.Properties["Namespace"].Value);
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }

    [Fact]
    public void WrongInputGivesErrorsThatSayWhatToDo()
    {
        var missing = _pwsh.Invoke("Test-ConntrackCapacity -NetworkNamespace diag-no-such-ns, $ns -SampleInterval 0.1");
        Assert.Single(missing.Output);
        var error = missing.SingleError();
        Assert.Equal("NetworkNamespaceNotFound,Diag.Commands.TestConntrackCapacityCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("ip netns list", error.Exception.Message);

        var zero = _pwsh.Invoke("Test-ConntrackCapacity -SampleInterval 0");
        Assert.Equal("InvalidSampleInterval,Diag.Commands.TestConntrackCapacityCommand", zero.SingleError().FullyQualifiedErrorId);
        Assert.Empty(zero.Output);

        var name = _pwsh.Invoke("Test-ConntrackCapacity diag-no-such-process -SampleInterval 0.1");
        Assert.Equal("NoProcessFoundForGivenName,Diag.Commands.TestConntrackCapacityCommand", name.SingleError().FullyQualifiedErrorId);
    }

    [Fact]
    public void CtrlCStopsTheSampleAtOnce()
    {
        var result = _pwsh.InvokeAndStop("Test-ConntrackCapacity -NetworkNamespace $ns -SampleInterval 3600", TimeSpan.FromSeconds(1));
        Assert.Empty(result.Output);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(60), $"took {result.Elapsed}");
        Assert.Contains(result.Progress, p => p.StatusDescription.StartsWith("Sampling the counters", StringComparison.Ordinal));
    }
}
