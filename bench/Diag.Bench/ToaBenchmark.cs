using System.Diagnostics;
using System.Net;
using Diag.Linux.Toa;
using Diag.Linux.Toa.Text;
using Diag.TestSupport;

namespace Diag.Bench;

/// <summary>
/// ConvertFrom-Toa against the gawk one-liner an engineer used on tcpdump's text, in one run, over a
/// capture of PACKETS packets to one port (each connection: a SYN and the handshake's ACK carrying a
/// kind-200 TOA, then two data packets with TCP timestamps and no TOA) and tcpdump's text of it:
///   - the text engine (TcpdumpTextDecoder) on tcpdump 4.99's text, and on the same text in the
///     tcpdump 4.0–4.4 spelling the one-liner was written for; gawk on both;
///   - the capture engine (ToaCaptureReader, what -Path runs) on the file;
///   - the cmdlet in pwsh: Get-Content | ConvertFrom-Toa, Get-Content -ReadCount 1000 | ..., -Path,
///     and tcpdump -l -r FILE piped in as a native command (the live path at full speed).
///   dotnet run -c Release --project bench/Diag.Bench -- toa [PACKETS] [--no-pwsh]
/// </summary>
internal static class ToaBenchmark
{
    // The one-liner from the LVS FULLNAT incident: prints the client IPv4 of tcpdump 4.0–4.4's "Unknown Option 200…".
    private const string GawkProgram =
        """match($0, "Unknown Option ([0-9a-f]+)",a) {print strtonum("0x" substr(a[1],8,2)) "." strtonum("0x" substr(a[1],10,2)) "." strtonum("0x" substr(a[1],12,2)) "." strtonum("0x" substr(a[1],14,2)); fflush()}""";

    public static int Run(string[] args)
    {
        int packets = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) is { } n ? int.Parse(n) : 1_000_000;
        bool pwsh = !args.Contains("--no-pwsh");
        var dir = Path.Combine(Path.GetTempPath(), $"diag-toa-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            return Run(packets, pwsh, dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int Run(int packets, bool pwsh, string dir)
    {
        var capture = Path.Combine(dir, "lvs.pcap");
        var text45 = Path.Combine(dir, "lvs-4.99.txt");
        var text40 = Path.Combine(dir, "lvs-4.0.txt");
        int toas = WriteCapture(capture, packets);
        var tcpdumpTime = Time(() => RunTo(text45, "tcpdump", "-nn", "-r", capture));
        // The same text as tcpdump 4.0–4.4 printed it: "Unknown Option 200" and the hex run together.
        File.WriteAllLines(text40, File.ReadLines(text45).Select(l => l.Replace("unknown-200 0x", "Unknown Option 200", StringComparison.Ordinal)));
        long lines = File.ReadLines(text45).LongCount();
        Console.WriteLine($"capture: {packets:N0} packets ({toas:N0} with a TOA), {new FileInfo(capture).Length / 1e6:F0} MB; " +
                          $"tcpdump -nn -r printed {lines:N0} lines ({new FileInfo(text45).Length / 1e6:F0} MB) in {tcpdumpTime.TotalSeconds:F2} s; " +
                          $"{Environment.ProcessorCount} CPUs; best of 3 runs each");
        Console.WriteLine();

        // Warm-up: JIT tiering of the decoders (a second pass once the first has been recompiled).
        for (int i = 0; i < 2; i++)
        {
            TextEngine(text45);
            TextEngine(text40);
            CaptureEngine(capture);
        }

        var results = new List<(string What, TimeSpan Time, long Found, long Units, string Unit)>();
        var engine45 = Best(() => TextEngine(text45), out long found45);
        results.Add(("text engine, tcpdump 4.99 text", engine45, found45, lines, "lines"));
        var engine40 = Best(() => TextEngine(text40), out long found40);
        results.Add(("text engine, tcpdump 4.0-4.4 text", engine40, found40, lines, "lines"));
        var gawk45 = Best(() => Gawk(text45), out long gawkFound45);
        results.Add(("gawk one-liner, tcpdump 4.99 text", gawk45, gawkFound45, lines, "lines"));
        var gawk40 = Best(() => Gawk(text40), out long gawkFound40);
        results.Add(("gawk one-liner, tcpdump 4.0-4.4 text", gawk40, gawkFound40, lines, "lines"));
        var file = Best(() => CaptureEngine(capture), out long fileFound);
        results.Add(("capture engine (-Path), pcap", file, fileFound, packets, "packets"));

        if (pwsh)
        {
            var module = Path.Combine(BenchTarget.RepoRoot(), "out", "Diag", "Diag.psd1");
            if (!File.Exists(module)) throw new FileNotFoundException("Build the module first: dotnet build Diag.slnx -c Release", module);
            foreach (var (what, script, units, unit) in new[]
            {
                ("pwsh: Get-Content FILE | ConvertFrom-Toa", $"Get-Content -LiteralPath '{text45}' | ConvertFrom-Toa", lines, "lines"),
                ("pwsh: Get-Content -ReadCount 1000 | ConvertFrom-Toa", $"Get-Content -LiteralPath '{text45}' -ReadCount 1000 | ConvertFrom-Toa", lines, "lines"),
                ("pwsh: tcpdump -nn -l -r FILE | ConvertFrom-Toa", $"tcpdump -nn -l -r '{capture}' 2>$null | ConvertFrom-Toa", lines, "lines"),
                ("pwsh: ConvertFrom-Toa -Path FILE", $"ConvertFrom-Toa -Path '{capture}'", (long)packets, "packets"),
            })
            {
                var (time, found) = Pwsh(module, script);
                results.Add((what, time, found, units, unit));
            }
        }

        Console.WriteLine($"| {"run",-52} | {"time",8} | {"rate",20} | {"TOAs found",10} |");
        Console.WriteLine($"|{new string('-', 54)}|{new string('-', 10)}|{new string('-', 22)}|{new string('-', 12)}|");
        foreach (var (what, time, found, units, unit) in results)
            Console.WriteLine($"| {what,-52} | {time.TotalSeconds,7:F2}s | {units / time.TotalSeconds,12:N0} {unit,-7} | {found,10:N0} |");
        Console.WriteLine();
        Console.WriteLine($"text engine / gawk, same 4.0-4.4 text: {gawk40 / engine40:F1}x (target >= 12); on 4.99 text: {gawk45 / engine45:F1}x, and gawk finds {gawkFound45:N0} of {toas:N0}");
        Console.WriteLine($"capture engine: {packets / file.TotalSeconds / 1e6:F2} M packets/s (target >= 3)");
        Console.WriteLine($"reproduce: dotnet run -c Release --project bench/Diag.Bench -- toa {packets}");
        return 0;
    }

    /// <summary>Writes the benchmark capture; returns how many TOAs it holds.</summary>
    private static int WriteCapture(string path, int packets)
    {
        var lb = IPAddress.Parse("192.168.0.5");
        var server = IPAddress.Parse("10.0.0.2");
        var start = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        byte[] timestamps = [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 1];
        var payload = new byte[100];
        int toas = 0;
        using var writer = CaptureWriter.Pcap(new BufferedStream(File.Create(path), 1 << 20), CaptureWriter.Ethernet);
        for (int i = 0; i < packets; i++)
        {
            int connection = i / 4;
            int port = 1024 + connection % 60000;
            var client = new IPAddress(BitConverter.GetBytes(0x0a0a0000u | (uint)(connection % 5000)).Reverse().ToArray());
            byte[] ip = (i % 4) switch
            {
                0 => TestPackets.Tcp(lb, port, server, 1234, [.. TestPackets.Mss1460, .. TestPackets.Nop, .. TestPackets.Nop, .. TestPackets.Toa(200, 10000 + connection % 50000, client)]),
                1 => TestPackets.Tcp(lb, port, server, 1234, [.. TestPackets.Toa(200, 10000 + connection % 50000, client)], TestPackets.Ack),
                _ => TestPackets.Tcp(lb, port, server, 1234, timestamps, TestPackets.Ack | TestPackets.Psh, payload),
            };
            if (i % 4 < 2) toas++;
            writer.Write(TestPackets.Ethernet(ip), start.AddTicks(i * 1000L));
        }
        return toas;
    }

    private static long TextEngine(string path)
    {
        var decoder = new TcpdumpTextDecoder(ToaKindMap.Default);
        var output = new List<object>();
        long found = 0;
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        while (reader.ReadLine() is { } line)
        {
            decoder.Push(line, output);
            if (output.Count > 0)
            {
                found += output.Count(o => o is ToaRecord);
                output.Clear();
            }
        }
        decoder.Complete(output);
        return found + output.Count(o => o is ToaRecord);
    }

    private static long CaptureEngine(string path) => new ToaCaptureReader(ToaKindMap.Default).Read(path).Count(o => o is ToaRecord);

    private static long Gawk(string path)
    {
        var info = new ProcessStartInfo("gawk") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(GawkProgram);
        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        long found = 0;
        while (process.StandardOutput.ReadLine() is not null) found++;
        process.WaitForExit();
        return found;
    }

    /// <summary>Runs a script in pwsh with the module imported; the time is measured inside pwsh, around the pipeline only.</summary>
    private static (TimeSpan Time, long Found) Pwsh(string module, string script)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = BenchTarget.RepoRoot() };
        foreach (var a in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command",
                     $"Import-Module '{module}'; $null = ConvertFrom-Toa -Hex 30390a0a0101; " +
                     $"$w = [Diagnostics.Stopwatch]::StartNew(); $n = ({script} | Measure-Object).Count; $w.Stop(); \"$($w.Elapsed.TotalSeconds) $n\"" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd().Trim().Split(' ');
        process.WaitForExit();
        return (TimeSpan.FromSeconds(double.Parse(output[^2], System.Globalization.CultureInfo.InvariantCulture)), long.Parse(output[^1]));
    }

    private static void RunTo(string outputPath, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        using (var output = File.Create(outputPath)) process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} failed with exit code {process.ExitCode}");
    }

    private static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    private static TimeSpan Best(Func<long> run, out long found)
    {
        var best = TimeSpan.MaxValue;
        found = 0;
        for (int i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            found = run();
            if (watch.Elapsed < best) best = watch.Elapsed;
        }
        return best;
    }
}
