using System.Management.Automation;
using System.Net;
using Diag.PowerShell.Tests.Hosting;

namespace Diag.PowerShell.Tests.Cmdlets;

/// <summary>ConvertFrom-Toa run by PowerShell: binding, streaming, errors, formatting, serialization.</summary>
public sealed class ConvertFromToaCmdletTests : IClassFixture<PowerShellSession>, IDisposable
{
    private const string Full = "12:00:00.000001 IP 192.168.0.5.40000 > 10.0.0.2.1234: Flags [S], seq 1, win 8192, options [mss 1460,unknown-200 0x30390a0a0101], length 0";
    private const string PortOnly = "12:00:00.000002 IP 192.168.0.5.40001 > 10.0.0.2.1234: Flags [S], seq 1, win 8192, options [mss 1460,exp-3039], length 0";
    private const string WrongLength = "12:00:00.000003 IP 192.168.0.5.40002 > 10.0.0.2.1234: Flags [S], seq 1, win 8192, options [unknown-200 0x30390a0a01], length 0";

    private readonly PowerShellSession _pwsh;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"diag-toa-{Guid.NewGuid():N}");

    public ConvertFromToaCmdletTests(PowerShellSession pwsh)
    {
        _pwsh = pwsh;
        Directory.CreateDirectory(_dir);
        WriteCapture("a.pcap", 3);
        WriteCapture("b.pcap", 2);
        _pwsh.SetVariable("dir", _dir);
        _pwsh.SetVariable("full", Full);
        _pwsh.SetVariable("portOnly", PortOnly);
        _pwsh.SetVariable("wrongLength", WrongLength);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A capture of <paramref name="clients"/> SYNs carrying kind-254 TOAs from 10.10.1.1, .2, …, each after a packet without one.</summary>
    private void WriteCapture(string name, int clients)
    {
        using var w = CaptureWriter.Pcap(File.Create(Path.Combine(_dir, name)), CaptureWriter.Ethernet);
        var time = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        for (int i = 1; i <= clients; i++)
        {
            w.Write(TestPackets.Ethernet(TestPackets.Tcp(IPAddress.Parse("10.0.0.2"), 1234, IPAddress.Parse("192.168.0.5"), 40000 + i, TestPackets.Mss1460, TestPackets.Syn | TestPackets.Ack)), time);
            w.Write(TestPackets.Ethernet(TestPackets.Tcp(IPAddress.Parse("192.168.0.5"), 40000 + i, IPAddress.Parse("10.0.0.2"), 1234,
                [.. TestPackets.Mss1460, .. TestPackets.Toa(254, 12340 + i, IPAddress.Parse($"10.10.1.{i}"))])), time.AddSeconds(i));
        }
    }

    [Fact]
    public void PipedLinesBecomeTypedRecords()
    {
        var r = Assert.Single(_pwsh.Invoke("$full | ConvertFrom-Toa").AssertClean().Output);
        Assert.Equal("Diag.Linux.Toa.ToaRecord", r.BaseObject.GetType().FullName);
        Assert.Equal(IPAddress.Parse("10.10.1.1"), Get(r, "ClientAddress"));
        Assert.Equal(12345, Get(r, "ClientPort"));
        Assert.Equal(1L, Get(r, "LineNumber"));
    }

    [Fact]
    public void ARecordIsWrittenBeforeTheNextLineIsRead()
    {
        // Streaming: the first record reaches the next command while the producer has not yet sent its second line.
        var rows = _pwsh.Invoke("""
            $global:secondSent = $false
            & { $full; $global:secondSent = $true; $full } | ConvertFrom-Toa | ForEach-Object { $global:secondSent }
            """).AssertClean().Output;
        Assert.Equal([false, true], rows.Select(o => (bool)o.BaseObject));
    }

    [Fact]
    public void GetContentRawAndReadCountArraysWorkToo()
    {
        var r = _pwsh.Invoke("""
            $file = Join-Path $dir 'text.txt'
            Set-Content $file $full, $full, $full
            (Get-Content -Raw $file | ConvertFrom-Toa).Count
            (Get-Content -ReadCount 2 $file | ConvertFrom-Toa).LineNumber
            """).AssertClean().Output;
        Assert.Equal(3, (int)r[0].BaseObject);
        Assert.Equal([1L, 2L, 3L], r.Skip(1).Select(o => (long)o.BaseObject));
    }

    [Fact]
    public void NullAndEmptyInputIsNoError()
    {
        var r = _pwsh.Invoke("$null | ConvertFrom-Toa; '' | ConvertFrom-Toa; @($null, '', $full) | ConvertFrom-Toa").AssertClean();
        Assert.Single(r.Output);
    }

    [Fact]
    public void PortOnlyRecordsComeWithOneWarningThatSaysHowToGetTheAddress()
    {
        var r = _pwsh.Invoke("$portOnly, $portOnly, $full | ConvertFrom-Toa").AssertClean();
        Assert.Equal(3, r.Output.Count);
        var warning = Assert.Single(r.Warnings);
        Assert.Contains("-x", warning);
        Assert.Contains("-Path", warning);
    }

    [Fact]
    public void ABadLineIsOneErrorRecordWithItsLineAndTheOthersStillDecode()
    {
        var r = _pwsh.Invoke("$full, $wrongLength, $full | ConvertFrom-Toa");
        var error = r.SingleError();
        Assert.Equal("InvalidToaLength,Diag.Commands.ConvertFromToaCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Equal(WrongLength, error.TargetObject);
        Assert.StartsWith("Line 2 (packet 2):", error.Exception.Message);
        Assert.Contains("-OptionKind", error.ErrorDetails!.RecommendedAction);
        Assert.Equal(2, r.Output.Count);
    }

    [Fact]
    public void PathTakesWildcardsPositionallyAndLiteralPathBindsFromGetChildItem()
    {
        var byPath = _pwsh.Invoke("ConvertFrom-Toa (Join-Path $dir '*.pcap')").AssertClean().Output;
        Assert.Equal(5, byPath.Count);
        Assert.Equal(2, byPath.Select(r => Get(r, "Path")).Distinct().Count());
        var piped = _pwsh.Invoke("Get-ChildItem (Join-Path $dir '*.pcap') | ConvertFrom-Toa").AssertClean().Output;
        Assert.Equal(byPath.Select(r => (Get(r, "Path"), Get(r, "PacketNumber"))), piped.Select(r => (Get(r, "Path"), Get(r, "PacketNumber"))));
        Assert.All(piped, r => Assert.IsType<DateTime>(Get(r, "Timestamp")));
        Assert.Equal([2L, 4L, 6L], piped.Where(r => ((string)Get(r, "Path")!).EndsWith("a.pcap")).Select(r => (long)Get(r, "PacketNumber")!));
    }

    [Fact]
    public void AMissingFileIsPathNotFoundAndTheOtherFilesAreRead()
    {
        var r = _pwsh.Invoke("ConvertFrom-Toa -LiteralPath (Join-Path $dir 'none.pcap'), (Join-Path $dir 'a.pcap')");
        var error = r.SingleError();
        Assert.Equal("PathNotFound,Diag.Commands.ConvertFromToaCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(3, r.Output.Count);
    }

    [Fact]
    public void ATruncatedCaptureIsAnErrorNamingOffsetAndPacket()
    {
        var r = _pwsh.Invoke("""
            $cut = Join-Path $dir 'cut.pcap'
            $bytes = [IO.File]::ReadAllBytes((Join-Path $dir 'a.pcap'))
            [IO.File]::WriteAllBytes($cut, $bytes[0..($bytes.Length - 30)])
            ConvertFrom-Toa -LiteralPath $cut
            """);
        var error = r.SingleError();
        Assert.Equal("TruncatedCapture,Diag.Commands.ConvertFromToaCommand", error.FullyQualifiedErrorId);
        Assert.Matches("packet 6 at offset [0-9]+ is cut", error.Exception.Message);
        Assert.Equal(2, r.Output.Count);
    }

    [Fact]
    public void HexAndByteDecodeOneOption()
    {
        var r = _pwsh.Invoke("""
            ConvertFrom-Toa -Hex c80830390a0a0101, 30390a0a0101
            ConvertFrom-Toa -Byte 254, 8, 0x30, 0x39, 10, 10, 1, 2
            ConvertFrom-Toa -Hex 30390a0a0101 -OptionKind 230
            """).AssertClean().Output;
        Assert.Equal([200, null, 254, 230], r.Select(x => (int?)Get(x, "OptionKind")));
        Assert.Equal(IPAddress.Parse("10.10.1.2"), Get(r[2], "ClientAddress"));
    }

    [Fact]
    public void OddHexIsAnInvalidHexError()
    {
        var error = _pwsh.Invoke("ConvertFrom-Toa -Hex 30390a0a010").SingleError();
        Assert.Equal("InvalidHex,Diag.Commands.ConvertFromToaCommand", error.FullyQualifiedErrorId);
        Assert.Contains("two digits per byte", error.ErrorDetails!.RecommendedAction);
    }

    [Theory]
    [InlineData("@{ 230 = 'Toa', 'ToaVip' }")]
    [InlineData("@{ 1 = 'Toa' }")]
    [InlineData("@{ 230 = 'Nonsense' }")]
    public void AnImpossibleKindMapIsATerminatingErrorBeforeAnyInput(string map)
    {
        var error = _pwsh.Invoke($"$full | ConvertFrom-Toa -OptionKind {map}").SingleError();
        Assert.Equal("InvalidOptionKind,Diag.Commands.ConvertFromToaCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void OptionKindMapsAndUnmapsKinds()
    {
        var r = _pwsh.Invoke("""
            $k230 = $full -replace 'unknown-200', 'unknown-230'
            ($k230 | ConvertFrom-Toa).Count
            ($k230 | ConvertFrom-Toa -OptionKind 230).OptionKind
            ($full | ConvertFrom-Toa -OptionKind @{ 200 = @() }).Count
            """).AssertClean().Output;
        Assert.Equal([0, 230, 0], r.Select(o => (int)o.BaseObject));
    }

    [Fact]
    public void SelectObjectFirstStopsReadingTheCapture()
    {
        var r = _pwsh.Invoke("ConvertFrom-Toa -Path (Join-Path $dir 'a.pcap') | Select-Object -First 1").AssertClean();
        Assert.Single(r.Output);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void TheDefaultTableShowsTheClientFirst(int width)
    {
        var text = _pwsh.Format("ConvertFrom-Toa -Path (Join-Path $dir 'a.pcap')", width);
        var lines = text.Split('\n').Where(l => l.Trim().Length > 0).ToList();
        Assert.StartsWith("ClientAddress", lines[0]);
        foreach (var header in new[] { "Port", "Server", "Balancer", "Time" }) Assert.Contains(header, lines[0]);
        Assert.Contains("10.10.1.3", text);
        Assert.Contains("10.0.0.2:1234", text);
        Assert.Contains("192.168.0.5:40003", text);
        Assert.DoesNotContain("…", text);
        if (width == 120) Assert.Contains("Variant", lines[0]);
        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
    }

    [Fact]
    public void ObjectsSurviveARemotingRoundTripWithTheirAddressesAndView()
    {
        var r = _pwsh.Invoke("""
            $records = ConvertFrom-Toa -Path (Join-Path $dir 'a.pcap')
            $copies = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($records))
            $copies[0].ClientAddress -is [ipaddress]
            $copies[0].PSObject.TypeNames -contains 'Deserialized.Diag.Linux.Toa.ToaRecord'
            ($copies | Group-Object ClientAddress).Count
            ($copies | Out-String -Width 120) -match 'ClientAddress +Port +Server'
            $copies[1].Client
            """).AssertClean().Output;
        Assert.Equal([true, true, 3, true], r.Take(4).Select(o => o.BaseObject));
        Assert.Equal("10.10.1.2:12342", r[4].BaseObject);
    }

    [Fact]
    public void JsonAndCsvHaveReadableAddresses()
    {
        var r = _pwsh.Invoke("""
            $record = ConvertFrom-Toa -Hex c80830390a0a0101
            $record | ConvertTo-Json -Compress
            ($record | ConvertTo-Csv | ConvertFrom-Csv).ClientAddress
            """).AssertClean().Output;
        Assert.Contains("\"Client\":\"10.10.1.1:12345\"", (string)r[0].BaseObject);
        Assert.Equal("10.10.1.1", r[1].BaseObject);
    }

    private static object? Get(PSObject o, string property) => o.Properties[property].Value;

    [Fact]
    public void AStartJobStyleSessionSendsBackAddressesAsAddresses()
    {
        using var child = new OutOfProcessSession();
        var r = child.Invoke("ConvertFrom-Toa -Hex c80830390a0a0101").AssertClean();
        var record = Assert.Single(r.Output);
        Assert.Contains("Deserialized.Diag.Linux.Toa.ToaRecord", record.TypeNames);
        // Rebuilt as an IPAddress by PowerShell's own type data, not left as a property bag.
        Assert.Equal(IPAddress.Parse("10.10.1.1"), Assert.IsType<PSObject>(record.Properties["ClientAddress"].Value).BaseObject);
        Assert.Equal("Toa", record.Properties["Variant"].Value?.ToString());
    }
}
