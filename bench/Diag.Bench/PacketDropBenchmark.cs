using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Diag.Linux.PacketDrops;

namespace Diag.Bench;

/// <summary>
/// Get-PacketDrop's cost per dropped packet on the kfree_skb path, against seed 001's bpftrace program, in one run.
/// Two network namespaces made by the benchmark (veth pair, 10.234.0.1 → 10.234.0.2, removed at the end); the test
/// target's udp-flood sends N one-byte datagrams (sendmmsg, batches of 512, as fast as the machine goes) to closed port
/// 9 of the server: N NO_SOCKET drops in __udp4_lib_rcv, received in softirq in the sender's own system call, so the
/// sender's time per datagram carries the tracepoint's and the program's cost. Rows: untraced; the DropWatch engine as
/// Get-PacketDrop -Address 10.234.0.2 -Port 9 uses it, streaming (every record read and decoded by this process) and
/// with -Summary (counted in the kernel), and -Summary -Stack (counted per kernel stack, as the seed's map); bpftrace on tracepoint:skb:kfree_skb running seed 001's kfree_skb.bt
/// (the IP and UDP headers parsed by hand, address and port filter, @[kstack(11)] = count() and a printf per drop), and
/// the same counting stacks only. Then the same floods with filters the packets do NOT match (port 8): what a watch
/// costs packets it is not looking for. Every run's count is checked against the kernel's Udp:NoPorts in the server.
/// bpftrace needs tracefs: run the benchmark in a private mount namespace with it mounted, e.g.
///   unshare -m --propagation private sh -c 'mount -t tracefs nodev /sys/kernel/tracing &amp;&amp; exec dotnet ...'
/// Without it (or without bpftrace) its rows are skipped.
/// </summary>
internal static class PacketDropBenchmark
{
    private const string ClientAddress = "10.234.0.1", ServerAddress = "10.234.0.2";
    private const int Port = 9, OtherPort = 8;

    // Seed 001's kfree_skb.bt on the tracepoint (kprobes are off in this kernel), UDP for TCP, the ports read as it
    // did (bytes swapped by hand); PORT and PRINT are replaced. 10.234.0.2 is 0x0200ea0a as a little-endian u32. The
    // (uint64) casts are the one change: bpftrace 0.17 types $dport as the u16 field and its swap then leaves the
    // bytes as they were (dest 9 reads 2304 after the swap; checked by hand), so the seed's text matched nothing.
    private const string SeedProgram = """
        tracepoint:skb:kfree_skb
        {
          $skb = (struct sk_buff *) args->skbaddr;
          $ip_header = ((struct iphdr *) ($skb->head + $skb->network_header));
          if ($ip_header->protocol == 17 && $ip_header->daddr == 0x0200ea0a)
          {
            $udp_header = ((struct udphdr *) ($skb->head + $skb->network_header + ($ip_header->ihl << 2)));
            $sport = (uint64) $udp_header->source;
            $dport = (uint64) $udp_header->dest;
            $dport = ($dport >> 8) | (($dport << 8) & 0xff00);
            $sport = ($sport >> 8) | (($sport << 8) & 0xff00);
            if ($dport == PORT) {
              @[kstack(11)] = count();
              PRINT
            }
          }
        }
        """;

    private const string PrintEachDrop = "time(\"%H:%M:%S \"); printf(\"%s:%d > %s:%d\\n\", ntop($ip_header->saddr), $sport, ntop($ip_header->daddr), $dport);";

    public static int Run(string[] args)
    {
        var datagrams = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500_000;
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var target = Path.Combine(BenchTarget.RepoRoot(), "out", "test-target", "diag-test-target");
        if (!File.Exists(target)) throw new FileNotFoundException("Build the test target first: dotnet build Diag.slnx -c Release", target);
        using var network = Network.Create();
        Flood(network, target, 1); // resolves the neighbour (ARP) before anything is measured
        Console.WriteLine($"udp-flood of {datagrams:N0} datagrams to a closed port (NO_SOCKET drops), best of {runs} runs; load: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"  {"",-46} {"wall ns",8} {"CPU ns",8} {"added",7} {"reader",8}   drops counted / kernel");
        Console.WriteLine($"  {"",-46} {"per drop",8} {"per drop",8} {"(CPU)",7} {"CPU ns",8}");
        // wall and CPU: the sender's (the drop's softirq runs in its system call); reader: this process's CPU (the watch's
        // reader thread; untraced, the benchmark's own polling) or bpftrace's, per drop.

        Measurement Best(Func<Measurement> run)
        {
            var all = Enumerable.Range(0, runs).Select(_ => run()).ToList();
            var best = all.MinBy(m => m.CpuNs)!;
            return best with
            {
                CountsAgree = all.All(m => m.CountsAgree), Counted = all.Sum(m => m.Counted), Kernel = all.Sum(m => m.Kernel),
                Lines = all.Sum(m => m.Lines), Misses = all.Sum(m => m.Misses), Killed = all.Sum(m => m.Killed), NoStack = all.Sum(m => m.NoStack),
            };
        }

        var untraced = Best(() => Flood(network, target, datagrams));
        Print("untraced", untraced, untraced, showCount: false);

        var matching = new DropFilter { Addresses = [AddressPrefix.Parse(ServerAddress)], Ports = [Port] };
        var stream = Best(() => UnderWatch(network, target, datagrams, matching, summary: false));
        Print("Diag, streaming records (all read, decoded)", stream, untraced);
        var summary = Best(() => UnderWatch(network, target, datagrams, matching, summary: true));
        Print("Diag, -Summary (counted in the kernel)", summary, untraced);
        var summaryStack = Best(() => UnderWatch(network, target, datagrams, matching, summary: true, stack: true));
        Print("Diag, -Summary -Stack (per kernel stack)", summaryStack, untraced);

        Measurement? seed = null, stacks = null, seedOther = null;
        var bpftraceSkipped = BpftraceSkipped();
        if (bpftraceSkipped is not null)
            Console.WriteLine($"  bpftrace: skipped ({bpftraceSkipped})");
        else
        {
            seed = Best(() => UnderBpftrace(network, target, datagrams, Port, print: true));
            Print("bpftrace, seed 001 (stack count + printf)", seed, untraced, printedLines: true);
            stacks = Best(() => UnderBpftrace(network, target, datagrams, Port, print: false));
            Print("bpftrace, stack count only", stacks, untraced);
        }

        Console.WriteLine($"packets the filter does not match (port {OtherPort}; they are still dropped, nothing reported):");
        var other = new DropFilter { Addresses = [AddressPrefix.Parse(ServerAddress)], Ports = [OtherPort] };
        var streamOther = Best(() => UnderWatch(network, target, datagrams, other, summary: false, expected: 0));
        Print("Diag, streaming, filter not matching", streamOther, untraced);
        var summaryOther = Best(() => UnderWatch(network, target, datagrams, other, summary: true, expected: 0));
        Print("Diag, -Summary, filter not matching", summaryOther, untraced);
        if (bpftraceSkipped is null)
        {
            seedOther = Best(() => UnderBpftrace(network, target, datagrams, OtherPort, print: true, expected: 0));
            Print("bpftrace, seed 001, filter not matching", seedOther, untraced, printedLines: true);
        }

        if (seed is not null && stacks is not null)
        {
            Console.WriteLine("added CPU per drop, Diag ÷ bpftrace (the issue wants at most 0.5 against seed 001's program):");
            Console.WriteLine($"  streaming ÷ seed 001: {Ratio(stream, seed, untraced)}   -Summary ÷ seed 001: {Ratio(summary, seed, untraced)}   -Summary -Stack ÷ seed 001: {Ratio(summaryStack, seed, untraced)}");
            Console.WriteLine($"  streaming ÷ stack count only: {Ratio(stream, stacks, untraced)}   -Summary ÷ stack count only: {Ratio(summary, stacks, untraced)}   -Summary -Stack ÷ stack count only: {Ratio(summaryStack, stacks, untraced)}");
            Console.WriteLine($"  not matching, streaming ÷ seed 001: {Ratio(streamOther, seedOther!, untraced)}");
        }
        var diagAgrees = new[] { stream, summary, summaryStack, streamOther, summaryOther }.All(m => m.CountsAgree);
        Console.WriteLine(diagAgrees ? "Diag: every run counted exactly the kernel's drops (Udp:NoPorts), or none where the filter does not match"
            : "Diag: COUNTS DISAGREE with the kernel's Udp:NoPorts (see the rows)");
        foreach (var (name, m) in new[] { ("seed 001", seed), ("stack count only", stacks) })
            if (m is { CountsAgree: false, Killed: > 0 })
                Console.WriteLine($"bpftrace, {name}: {m.Killed} run(s) did not exit on SIGINT and were killed before printing the map: their drops are not in its count");
            else if (m is { CountsAgree: false })
                Console.WriteLine($"bpftrace, {name}: counted {m.Kernel - m.Counted:N0} fewer drops than the kernel and said nothing; the kernel skipped its program {m.Misses:N0} times (recursion_misses in its fdinfo)");
        return diagAgrees ? 0 : 1;
    }

    private static string Ratio(Measurement diag, Measurement tool, Measurement untraced)
    {
        var toolAdded = tool.CpuNs - untraced.CpuNs;
        return toolAdded <= 0 ? "n/a (bpftrace added nothing measurable)" : ((diag.CpuNs - untraced.CpuNs) / toolAdded).ToString("0.00", CultureInfo.InvariantCulture);
    }

    private static void Print(string name, Measurement m, Measurement untraced, bool showCount = true, bool printedLines = false)
    {
        var added = ReferenceEquals(m, untraced) ? "" : $"{m.CpuNs - untraced.CpuNs:+#,0;-#,0;0}";
        var reader = m.ReaderCpuNs is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "";
        var count = showCount ? $"{m.Counted:N0} / {m.Kernel:N0}{(m.CountsAgree ? "" : " DIFFERENT")}{(printedLines ? $", lines printed {m.Lines:N0}" : "")}{(m.Misses > 0 ? $", program not run {m.Misses:N0} times" : "")}{(m.NoStack > 0 ? $", {m.NoStack:N0} without a stack (@[])" : "")}" : "";
        Console.WriteLine($"  {name,-46} {m.WallNs,8:N0} {m.CpuNs,8:N0} {added,7} {reader,8}   {count}");
    }

    private static string? BpftraceSkipped()
    {
        if (!File.Exists("/sys/kernel/tracing/events/skb/kfree_skb/id"))
            return "tracefs is not mounted; see the header of PacketDropBenchmark.cs";
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "bpftrace")).Any(File.Exists);
        return found ? null : "apt-get install bpftrace";
    }

    /// <summary>One flood: the sender's wall and CPU time per datagram; the kernel's drop count (Udp:NoPorts in the server).</summary>
    private static Measurement Flood(Network network, string target, int datagrams)
    {
        var before = network.NoPorts();
        var self = CpuUsage.Self();
        var output = Network.Exec(network.Client, target, "udp-flood", ServerAddress, Port.ToString(CultureInfo.InvariantCulture), datagrams.ToString(CultureInfo.InvariantCulture));
        var sent = output.Split('\n').First(l => l.StartsWith("SENT ", StringComparison.Ordinal)).Split(' ');
        var cpu = output.Split('\n').First(l => l.StartsWith("CPU ", StringComparison.Ordinal)).Split(' ');
        if (long.Parse(sent[1], CultureInfo.InvariantCulture) != datagrams) throw new InvalidOperationException("udp-flood: " + output);
        var wallUs = double.Parse(sent[2], CultureInfo.InvariantCulture);
        var cpuUs = double.Parse(cpu[1], CultureInfo.InvariantCulture) + double.Parse(cpu[2], CultureInfo.InvariantCulture);
        // Received in softirq, which may run after the sender returned (ksoftirqd under load): wait for the kernel's count.
        var clock = Stopwatch.StartNew();
        long kernel;
        while ((kernel = network.NoPorts() - before) < datagrams && clock.Elapsed < TimeSpan.FromSeconds(30))
            Thread.Sleep(20);
        var benchCpu = (CpuUsage.Self() - self).TotalNanoseconds / datagrams;
        return new Measurement(wallUs * 1000 / datagrams, cpuUs * 1000 / datagrams, kernel, kernel, true, benchCpu, 0, 0);
    }

    private static Measurement UnderWatch(Network network, string target, int datagrams, DropFilter filter, bool summary, long? expected = null, bool stack = false)
    {
        using var watch = new DropWatch(filter, new DropWatchSettings { Summary = summary, Stack = stack });
        long records = 0, counted = 0, lost = 0, missed = 0;
        var attached = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            foreach (var item in watch.Run())
            {
                switch (item.Kind)
                {
                    case DropWatchItemKind.Verbose when item.Message!.StartsWith("Attached", StringComparison.Ordinal): attached.Set(); break;
                    case DropWatchItemKind.Drop: records++; break;
                    case DropWatchItemKind.Summary: counted += item.Summary!.Count; break;
                    case DropWatchItemKind.Warning when Regex.Match(item.Message!, @"^(\d+) drops were not reported") is { Success: true } m:
                        lost += long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture); // counted in the kernel, said
                        break;
                    case DropWatchItemKind.Warning when Regex.Match(item.Message!, @"^(\d+) drops were not seen") is { Success: true } m:
                        missed += long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture); // the program was not run, said
                        break;
                }
            }
            attached.Set();
        });
        reader.Start();
        attached.Wait();
        var cpuBefore = CpuUsage.Self();
        var flood = Flood(network, target, datagrams);
        if (!summary)
        {
            // The reader catches up with the ring buffer (a drop counted by the kernel has had its tracepoint run).
            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref records) < (expected ?? flood.Kernel) && clock.Elapsed < TimeSpan.FromSeconds(10))
                Thread.Sleep(5);
        }
        else
            Thread.Sleep(50);
        watch.RequestStop();
        reader.Join();
        var readerCpu = (CpuUsage.Self() - cpuBefore).TotalNanoseconds / datagrams;
        var seen = summary ? counted : records + lost;
        if (lost > 0) Console.WriteLine($"    ({lost:N0} records lost: ring buffer full)");
        return flood with { Counted = seen, CountsAgree = seen == (expected ?? flood.Kernel), ReaderCpuNs = readerCpu, Misses = missed };
    }

    private static Measurement UnderBpftrace(Network network, string target, int datagrams, int port, bool print, long? expected = null)
    {
        var program = SeedProgram.Replace("PORT", port.ToString(CultureInfo.InvariantCulture)).Replace("PRINT", print ? PrintEachDrop : "");
        var info = new ProcessStartInfo("bpftrace", ["-e", program]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var bpftrace = Process.Start(info)!;
        var attached = new ManualResetEventSlim();
        long lines = 0, counted = 0, lost = 0, noStack = 0;
        var stackEnd = new Regex(@"^(@\[)?\]: (\d+)$"); // "]: N" ends a stack; "@[]: N" counts drops whose stack bpftrace could not take
        bpftrace.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data.StartsWith("Attaching", StringComparison.Ordinal)) attached.Set();
            else if (stackEnd.Match(e.Data) is { Success: true } m)
            {
                counted += long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                if (m.Groups[1].Success) noStack += long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            }
            else if (Regex.Match(e.Data, @"^Lost (\d+) events") is { Success: true } l) lost += long.Parse(l.Groups[1].Value, CultureInfo.InvariantCulture);
            else if (e.Data.Contains(" > ", StringComparison.Ordinal)) Interlocked.Increment(ref lines);
        };
        bpftrace.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && Regex.Match(e.Data, @"Lost (\d+) events") is { Success: true } l) lost += long.Parse(l.Groups[1].Value, CultureInfo.InvariantCulture);
        };
        bpftrace.BeginOutputReadLine();
        bpftrace.BeginErrorReadLine();
        if (!attached.Wait(TimeSpan.FromSeconds(120))) throw new InvalidOperationException("bpftrace did not attach");
        var cpuBefore = ProcessCpu(bpftrace.Id);
        var missesBefore = RecursionMisses(bpftrace.Id);
        var flood = Flood(network, target, datagrams);
        // Its printf lines drain (until none came for half a second): SIGINT ends bpftrace without reading what is left.
        for (var last = -1L; Interlocked.Read(ref lines) != last;)
        {
            last = Interlocked.Read(ref lines);
            Thread.Sleep(500);
        }
        var readerCpu = (ProcessCpu(bpftrace.Id) - cpuBefore).TotalNanoseconds / datagrams;
        var misses = RecursionMisses(bpftrace.Id) - missesBefore;
        Network.Tool("kill", "-INT", bpftrace.Id.ToString(CultureInfo.InvariantCulture)); // it prints its maps on SIGINT
        // bpftrace 0.17 sometimes stays in epoll_wait after SIGINT (seen twice in four runs of this benchmark): killed, and
        // the run's stack count is then unknown (its lines are still counted).
        var killed = 0;
        if (!bpftrace.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            killed = 1;
            Console.WriteLine("    (bpftrace did not exit on SIGINT within 30 s: killed, its map was not printed)");
            bpftrace.Kill();
            bpftrace.WaitForExit();
        }
        if (lost > 0) Console.WriteLine($"    (bpftrace: {lost:N0} printed events lost)");
        return flood with { Counted = counted, CountsAgree = counted == (expected ?? flood.Kernel), ReaderCpuNs = readerCpu, Lines = lines, Misses = misses, Killed = killed, NoStack = noStack };
    }

    /// <summary>utime + stime of a process, from /proc/PID/stat (clock ticks of 10 ms).</summary>
    private static TimeSpan ProcessCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>The runs the kernel skipped of the BPF programs a process holds (recursion_misses of each program's fdinfo, 5.12+).</summary>
    private static long RecursionMisses(int pid)
    {
        long misses = 0;
        foreach (var fdinfo in Directory.GetFiles($"/proc/{pid}/fdinfo"))
        {
            try
            {
                foreach (var line in File.ReadLines(fdinfo))
                    if (line.StartsWith("recursion_misses:", StringComparison.Ordinal))
                        misses += long.Parse(line.AsSpan(17).Trim(), CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // closed meanwhile
            }
        }
        return misses;
    }

    /// <summary>Per drop: the sender's wall and CPU time, this benchmark's (the watch's reader) or bpftrace's CPU; counts over the runs.</summary>
    private sealed record Measurement(double WallNs, double CpuNs, long Counted, long Kernel, bool CountsAgree, double? ReaderCpuNs, long Lines, long Misses, long Killed = 0, long NoStack = 0);

    /// <summary>A client and a server network namespace joined by a veth pair, named with this process's PID; deleted on Dispose.</summary>
    private sealed class Network : IDisposable
    {
        private Network(string client, string server)
        {
            Client = client;
            Server = server;
        }

        public string Client { get; }

        public string Server { get; }

        public static Network Create()
        {
            var stem = $"diag-bench-pd-{Environment.ProcessId}";
            var network = new Network(stem + "-c", stem + "-s");
            try
            {
                Tool("ip", "netns", "add", network.Client);
                Tool("ip", "netns", "add", network.Server);
                Tool("ip", "link", "add", "pdbench-c", "netns", network.Client, "type", "veth", "peer", "name", "pdbench-s", "netns", network.Server);
                Tool("ip", "-n", network.Client, "addr", "add", ClientAddress + "/24", "dev", "pdbench-c");
                Tool("ip", "-n", network.Server, "addr", "add", ServerAddress + "/24", "dev", "pdbench-s");
                foreach (var (ns, dev) in new[] { (network.Client, "pdbench-c"), (network.Server, "pdbench-s") })
                {
                    Tool("ip", "-n", ns, "link", "set", dev, "up");
                    Tool("ip", "-n", ns, "link", "set", "lo", "up");
                }
                return network;
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }

        /// <summary>Udp:NoPorts of the server namespace (/proc/net/snmp as a process in it reads it).</summary>
        public long NoPorts()
        {
            var lines = Exec(Server, "cat", "/proc/net/snmp").Split('\n');
            for (var i = 0; i + 1 < lines.Length; i += 2)
            {
                var names = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (names.Length > 0 && names[0] == "Udp:")
                    return long.Parse(lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[Array.IndexOf(names, "NoPorts")], CultureInfo.InvariantCulture);
            }
            throw new InvalidOperationException("no Udp:NoPorts");
        }

        public static string Exec(string ns, params string[] command) => Tool("ip", ["netns", "exec", ns, .. command]);

        public static string Tool(string program, params string[] arguments)
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in arguments) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: exit {process.ExitCode}: {error.Trim()}");
            return output.Result;
        }

        public void Dispose()
        {
            foreach (var ns in new[] { Client, Server })
            {
                try
                {
                    Tool("ip", "netns", "delete", ns);
                }
                catch (InvalidOperationException)
                {
                    // never made
                }
            }
        }
    }
}
