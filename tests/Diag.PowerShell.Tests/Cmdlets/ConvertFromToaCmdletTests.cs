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

    /// <summary>A FIFO in the test's directory, made by mkfifo.</summary>
    private string MakeFifo(string name)
    {
        var path = Path.Combine(_dir, name);
        using var mkfifo = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo") { ArgumentList = { path } })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    [Fact]
    public async Task CtrlCEndsTheWaitForAFifosWriter()
    {
        // Issue 24: the pipeline thread sat in open(2) and Ctrl+C could not stop it. Only a hang takes a minute.
        _pwsh.SetVariable("fifo", MakeFifo("nowriter.fifo"));
        var r = await Task.Run(() => _pwsh.InvokeAndStop("ConvertFrom-Toa -Path $fifo", TimeSpan.FromSeconds(1))).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Empty(r.Output);
        Assert.Empty(r.Errors);
        Assert.Contains(r.Progress, p => p.StatusDescription.StartsWith("Waiting for a program to write to the FIFO", StringComparison.Ordinal));
    }

    [Fact]
    public void DurationEndsTheWaitWithAWarningThatSaysHowToFeedTheFifo()
    {
        _pwsh.SetVariable("fifo", MakeFifo("late.fifo"));
        var r = _pwsh.Invoke("ConvertFrom-Toa -LiteralPath $fifo -Duration 0.5").AssertClean();
        Assert.Empty(r.Output);
        var warning = Assert.Single(r.Warnings);
        Assert.Contains("no program wrote to", warning);
        Assert.Contains("tcpdump -U -w", warning);
    }

    [Fact]
    public async Task AFifoFedByAWriterGivesItsClientsAndEndsWhenTheWriterCloses()
    {
        var fifo = MakeFifo("live.fifo");
        _pwsh.SetVariable("fifo", fifo);
        var writer = Task.Run(() =>
        {
            using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write); // returns once the cmdlet has opened it
            stream.Write(File.ReadAllBytes(Path.Combine(_dir, "a.pcap")));
        });
        var r = _pwsh.Invoke("ConvertFrom-Toa -Path $fifo -Duration 00:10:00").AssertClean();
        await writer.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(["10.10.1.1", "10.10.1.2", "10.10.1.3"], r.Output.Select(o => Get(o, "ClientAddress")!.ToString()));
        Assert.Empty(r.Warnings);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void ADurationThatIsNotPositiveIsRefusedBeforeReading(string duration)
    {
        var error = _pwsh.Invoke($"ConvertFrom-Toa -Path (Join-Path $dir 'a.pcap') -Duration {duration}").SingleError();
        Assert.Equal("InvalidDuration,Diag.Commands.ConvertFromToaCommand", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void RegisteredExperimentsAreSaidOnceInTheVerboseStreamNotAsErrors()
    {
        // An AccECN handshake: its 13-byte kind-254 option (ExID 0xACC0) on every ACK was one InvalidToaLength each.
        var path = Path.Combine(_dir, "accecn.pcap");
        using (var w = CaptureWriter.Pcap(File.Create(path), CaptureWriter.Ethernet))
        {
            var time = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
            for (int i = 0; i < 5; i++)
                w.Write(TestPackets.Ethernet(TestPackets.Tcp(IPAddress.Parse("192.168.0.5"), 40000, IPAddress.Parse("10.0.0.2"), 80,
                    [.. TestPackets.Nop, .. TestPackets.Nop, .. TestPackets.AccEcn(0, (uint)i, 0)], TestPackets.Ack)), time.AddSeconds(i));
        }
        _pwsh.SetVariable("accecn", path);
        var r = _pwsh.Invoke("ConvertFrom-Toa -Path $accecn -Verbose").AssertClean();
        Assert.Empty(r.Output);
        Assert.Empty(r.Warnings);
        var verbose = Assert.Single(r.Verbose);
        Assert.Contains("0xACC0", verbose);
        Assert.Contains("AccECN", verbose);
    }

    [Fact]
    public void AFileOfAVersionLibpcapRefusesIsAnErrorOrAWarningAsItsLayoutIsKnown()
    {
        var r = _pwsh.Invoke("""
            $bytes = [IO.File]::ReadAllBytes((Join-Path $dir 'a.pcap'))
            $v14 = Join-Path $dir 'v14.pcap'; $bytes[4] = 1; [IO.File]::WriteAllBytes($v14, $bytes)
            $v25 = Join-Path $dir 'v25.pcap'; $bytes[4] = 2; $bytes[6] = 5; [IO.File]::WriteAllBytes($v25, $bytes)
            ConvertFrom-Toa -LiteralPath $v14, $v25 -WarningVariable w -WarningAction SilentlyContinue
            $w.Count
            """);
        var error = r.SingleError();
        Assert.Equal("UnsupportedCaptureVersion,Diag.Commands.ConvertFromToaCommand", error.FullyQualifiedErrorId);
        Assert.Contains("version 1.4", error.Exception.Message);
        Assert.Equal(4, r.Output.Count); // three clients from v25.pcap, and the warning count
        Assert.Equal(1, (int)r.Output[^1].BaseObject);
    }

    [Fact]
    public void AHugeBadLineMakesASmallErrorRecord()
    {
        // Issue 24: one 10 MB bad line was a 10 MB message, ErrorDetails and TargetObject.
        var huge = "IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], options [unknown-200 0x" + new string('z', 10 << 20) + "], length 0";
        _pwsh.SetVariable("huge", huge);
        var error = _pwsh.Invoke("$huge | ConvertFrom-Toa").SingleError();
        Assert.Equal("InvalidHex,Diag.Commands.ConvertFromToaCommand", error.FullyQualifiedErrorId);
        var target = Assert.IsType<string>(error.TargetObject);
        Assert.True(target.Length <= 200, $"TargetObject is {target.Length} characters");
        Assert.Contains($"({huge.Length} characters)", target);
        Assert.True(error.Exception.Message.Length < 500, $"the message is {error.Exception.Message.Length} characters");
        Assert.True(error.ErrorDetails!.Message.Length < 500);

        var hexError = _pwsh.Invoke("ConvertFrom-Toa -Hex ('g' * 10MB)").SingleError();
        Assert.True(((string)hexError.TargetObject).Length <= 200);
        Assert.True(hexError.Exception.Message.Length < 300);
    }

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
