using System.Diagnostics;
using System.Globalization;

namespace Diag.TestSupport;

/// <summary>
/// Two network namespaces made for one packet-drop test (<c>ip netns add</c>, named with the test process's PID and a
/// counter), joined by a veth pair: the client at 10.233.0.1/24, the server at 10.233.0.2/24, collisions with nothing.
/// Packets are made by diag-test-target's packet modes run inside a namespace (ip netns exec, no shell); nftables
/// rulesets are given to nft on its standard input. Dispose kills what it started and deletes both namespaces (their
/// rules and the veth pair go with them); namespaces a killed test run left are deleted when the next one starts.
/// </summary>
public sealed class PacketDropNetwork : IDisposable
{
    public const string ClientAddress = "10.233.0.1", ServerAddress = "10.233.0.2";
    public const string ClientInterface = "pd-client", ServerInterface = "pd-server";
    private const string Prefix = "diag-pd-";
    private static int s_counter;
    private readonly List<Process> _started = new();

    private PacketDropNetwork(string client, string server)
    {
        Client = client;
        Server = server;
    }

    public string Client { get; }

    public string Server { get; }

    /// <summary>The client namespace's inode (what Get-PacketDrop reports as NetworkNamespace).</summary>
    public uint ClientInode { get; private set; }

    public uint ServerInode { get; private set; }

    public static PacketDropNetwork Create(string purpose)
    {
        RemoveStale();
        var n = Interlocked.Increment(ref s_counter);
        var stem = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{n}-{purpose}");
        var network = new PacketDropNetwork(stem + "-c", stem + "-s");
        try
        {
            Ip("netns", "add", network.Client);
            Ip("netns", "add", network.Server);
            Ip("link", "add", ClientInterface, "netns", network.Client, "type", "veth", "peer", "name", ServerInterface, "netns", network.Server);
            Ip("-n", network.Client, "addr", "add", ClientAddress + "/24", "dev", ClientInterface);
            Ip("-n", network.Server, "addr", "add", ServerAddress + "/24", "dev", ServerInterface);
            foreach (var (ns, dev) in new[] { (network.Client, ClientInterface), (network.Server, ServerInterface) })
            {
                Ip("-n", ns, "link", "set", dev, "up");
                Ip("-n", ns, "link", "set", "lo", "up");
            }
            // A first datagram resolves the neighbours (ARP) now, so that no test packet waits for it (it is dropped as
            // NO_SOCKET in the server before any watch starts).
            Target(network.Client, "udp-send", ServerAddress, "9", "1");
            network.ClientInode = InodeOf(network.Client);
            network.ServerInode = InodeOf(network.Server);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Runs diag-test-target MODE ARGS in <paramref name="ns"/> to its end; returns what it printed.</summary>
    public static string Target(string ns, params string[] args) => Run(ns, [TargetProcess.ExecutablePath, .. args]);

    /// <summary>Starts a diag-test-target mode that holds its sockets (listen; tcp-data with -1) in <paramref name="ns"/> and
    /// waits for its first line (READY, CONNECTED n), which <paramref name="firstLine"/> receives; it ends with the network.</summary>
    public Process StartTarget(string ns, out string firstLine, params string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", ns, TargetProcess.ExecutablePath }.Concat(args))
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        lock (_started)
            _started.Add(process);
        firstLine = process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException($"diag-test-target {string.Join(' ', args)} in {ns} did not start: {process.StandardError.ReadToEnd()}");
        return process;
    }

    /// <summary>Writes <paramref name="line"/> to a started target and returns the line it answers.</summary>
    public static string Tell(Process target, string line)
    {
        target.StandardInput.WriteLine(line);
        target.StandardInput.Flush();
        return target.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"no answer to '{line}'");
    }

    /// <summary>A counter of /proc/net/snmp as namespace <paramref name="ns"/> sees it ("Udp", "NoPorts").</summary>
    public static long SnmpCounter(string ns, string group, string name)
    {
        var lines = Run(ns, "cat", "/proc/net/snmp").Split('\n');
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            var names = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (names.Length > 0 && names[0] == group + ":")
                return long.Parse(lines[i + 1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[Array.IndexOf(names, name)], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"no {group}:{name} in {ns}");
    }

    /// <summary>Waits until the kernel has counted <paramref name="atLeast"/> on a /proc/net/snmp counter of the namespace:
    /// packets sent through the veth are received in softirq context, which may run after the sender has returned.</summary>
    public static void WaitForSnmp(string ns, string group, string name, long atLeast)
    {
        var watch = Stopwatch.StartNew();
        while (SnmpCounter(ns, group, name) < atLeast)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"{group}:{name} in {ns} never reached {atLeast}");
            Thread.Sleep(10);
        }
    }

    /// <summary>Loads an nftables ruleset into <paramref name="ns"/> (nft -f -).</summary>
    public static void Nft(string ns, string ruleset) => Tool("ip", ruleset, "netns", "exec", ns, "nft", "-f", "-");

    /// <summary>Runs a program in a namespace (ip netns exec), no shell; its standard output; throws on failure.</summary>
    public static string Run(string ns, params string[] command) => Ip(["netns", "exec", ns, .. command]);

    public static string Ip(params string[] arguments) => Tool("ip", null, arguments);

    /// <summary>The inode of namespace <paramref name="ns"/>, as a process in it reads its own (net:[4026532...]).</summary>
    public static uint InodeOf(string ns)
    {
        var link = Run(ns, "readlink", "/proc/self/ns/net").Trim();
        return uint.Parse(link.AsSpan(5, link.Length - 6), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static string Tool(string program, string? input, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: exit {process.ExitCode}: {error.Trim()}");
        return output.Result;
    }

    public void Dispose()
    {
        lock (_started)
        {
            foreach (var process in _started)
            {
                try
                {
                    process.StandardInput.Close(); // listen ends at end of input
                    if (!process.WaitForExit(2000))
                        process.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
                {
                }
                process.Dispose();
            }
            _started.Clear();
        }
        foreach (var ns in new[] { Client, Server })
        {
            try
            {
                Ip("netns", "delete", ns);
            }
            catch (InvalidOperationException)
            {
                // never made, or already gone
            }
        }
    }

    /// <summary>Deletes namespaces of this kind whose test process is gone (a run killed before its Dispose).</summary>
    private static void RemoveStale()
    {
        if (!Directory.Exists("/run/netns"))
            return;
        foreach (var path in Directory.GetFiles("/run/netns", Prefix + "*"))
        {
            var parts = Path.GetFileName(path)[Prefix.Length..].Split('-');
            if (parts.Length < 2 || !int.TryParse(parts[0], out var pid) || Directory.Exists($"/proc/{pid}"))
                continue;
            try
            {
                Ip("netns", "delete", Path.GetFileName(path));
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}

/// <summary>
/// net.netfilter.nf_conntrack_max lowered for a test, put back on Dispose. It is one setting for the whole machine, so a
/// machine-wide lock file (an exclusive flock, through FileShare.None) lets one test at a time change it, and the file
/// holds the original value while it is lowered: a run killed in between leaves it there, and the next one puts it back
/// first. The lock file and its contents are the ones Test-ConntrackCapacity's tests use, so the two never interleave.
/// </summary>
public sealed class LoweredConntrackMax : IDisposable
{
    private const string Setting = "/proc/sys/net/netfilter/nf_conntrack_max";
    private const string LockPath = "/run/lock/diag-tests-nf_conntrack_max";
    private readonly FileStream _lock;
    private bool _disposed;

    private LoweredConntrackMax(FileStream lockFile, long original)
    {
        _lock = lockFile;
        Original = original;
    }

    public long Original { get; }

    public static long Current => long.Parse(File.ReadAllText(Setting).Trim(), CultureInfo.InvariantCulture);

    public static LoweredConntrackMax To(long max)
    {
        var watch = Stopwatch.StartNew();
        FileStream? lockFile = null;
        while (lockFile is null)
        {
            try
            {
                lockFile = new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (watch.Elapsed < TimeSpan.FromMinutes(5))
            {
                Thread.Sleep(100); // another test has lowered it: wait for it to put it back
            }
        }
        try
        {
            using (var reader = new StreamReader(lockFile, leaveOpen: true))
                if (long.TryParse(reader.ReadToEnd().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var stale))
                    File.WriteAllText(Setting, stale.ToString(CultureInfo.InvariantCulture));
            var original = Current;
            Record(lockFile, original.ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Setting, max.ToString(CultureInfo.InvariantCulture));
            return new LoweredConntrackMax(lockFile, original);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            File.WriteAllText(Setting, Original.ToString(CultureInfo.InvariantCulture));
            Record(_lock, "");
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private static void Record(FileStream file, string text)
    {
        file.SetLength(0);
        file.Position = 0;
        file.Write(System.Text.Encoding.ASCII.GetBytes(text));
        file.Flush(flushToDisk: true);
    }
}
