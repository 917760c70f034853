using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Diag.TestSupport;

/// <summary>
/// Two network namespaces made for one test (<c>ip netns add</c>, names with the test process's PID), joined by a veth
/// pair: the client at 10.231.0.1/24, the server at 10.231.0.2/24. Both ends live inside the test's namespaces, so the
/// addresses collide with nothing. Sockets are made inside a namespace from a thread that setns()es into it (a socket
/// belongs to the namespace it was made in). Dispose deletes both namespaces (and with them the veth pair); namespaces
/// left by a test run that was killed are deleted when the next one starts.
/// </summary>
public sealed class TestNetwork : IDisposable
{
    public const string ClientAddress = "10.231.0.1", ServerAddress = "10.231.0.2";
    public const string ClientInterface = "veth-client", ServerInterface = "veth-server";
    private const string Prefix = "diag-test-";
    private static int s_counter;
    private readonly List<Socket> _sockets = new();

    private TestNetwork(string client, string server)
    {
        Client = client;
        Server = server;
    }

    /// <summary>The client namespace's ip netns name.</summary>
    public string Client { get; }

    public string Server { get; }

    /// <summary>Makes the pair; <paramref name="purpose"/> goes into the names (a few letters).</summary>
    public static TestNetwork Create(string purpose)
    {
        RemoveStale();
        int n = Interlocked.Increment(ref s_counter);
        string stem = $"{Prefix}{purpose}-{Environment.ProcessId}-{n}";
        var network = new TestNetwork(stem + "-c", stem + "-s");
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
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The namespace's inode (what the kernel prints in "table full in netns N").</summary>
    public static ulong InodeOf(string ns) => StatInode($"/run/netns/{ns}");

    /// <summary>Makes connection tracking work in the server namespace (an nftables rule that reads conntrack state).</summary>
    public void TrackConnectionsInServer() =>
        Run(Server, "nft", "table inet diag { chain pre { type filter hook prerouting priority 0; ct state new counter accept; }; }");

    /// <summary>Runs a program in a namespace (ip netns exec), no shell; returns its standard output, throws on failure.</summary>
    public static string Run(string ns, params string[] command) => Ip(["netns", "exec", ns, .. command]);

    /// <summary>Runs ip with these arguments; returns its output, throws with its error text on failure.</summary>
    public static string Ip(params string[] arguments) => Tool("ip", arguments);

    public static string Tool(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: exit {process.ExitCode}: {error.Trim()}");
        return output.Result;
    }

    /// <summary>Runs <paramref name="work"/> on a thread inside namespace <paramref name="ns"/>.</summary>
    public static T In<T>(string ns, Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/run/netns/{ns}");
                if (setns((int)handle.DangerousGetHandle(), CLONE_NEWNET) != 0)
                    throw new InvalidOperationException($"setns {ns}: errno {Marshal.GetLastPInvokeError()}");
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException($"in namespace {ns}: {failure.Message}", failure);
        return result;
    }

    /// <summary>A UDP socket made in <paramref name="ns"/>, closed with the network.</summary>
    public Socket UdpSocket(string ns) => Keep(In(ns, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)));

    /// <summary>A TCP listener on the server's address, made in the server namespace.</summary>
    public Socket Listen(int port, int backlog = 4096) => Keep(In(Server, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(ServerAddress), port));
        socket.Listen(backlog);
        return socket;
    }));

    /// <summary>Starts a non-blocking connect from the client to the server's <paramref name="port"/> (its SYN goes out
    /// now); the socket is closed with the network.</summary>
    public Socket StartConnect(int port) => Keep(In(Client, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        try
        {
            socket.Connect(new IPEndPoint(IPAddress.Parse(ServerAddress), port));
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
        }
        return socket;
    }));

    private Socket Keep(Socket socket)
    {
        lock (_sockets) _sockets.Add(socket);
        return socket;
    }

    public void Dispose()
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets) socket.Dispose();
            _sockets.Clear();
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

    /// <summary>Deletes test namespaces whose test process is gone (a run killed before its Dispose).</summary>
    private static void RemoveStale()
    {
        if (!Directory.Exists("/run/netns")) return;
        foreach (var path in Directory.GetFiles("/run/netns", Prefix + "*"))
        {
            var parts = Path.GetFileName(path)[Prefix.Length..].Split('-');
            if (parts.Length < 3 || !int.TryParse(parts[1], out int pid) || Directory.Exists($"/proc/{pid}")) continue;
            try
            {
                Ip("netns", "delete", Path.GetFileName(path));
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private static ulong StatInode(string path)
    {
        var info = new ProcessStartInfo("stat", ["-L", "-c", "%i", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        string text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return ulong.Parse(text);
    }

    private const int CLONE_NEWNET = 0x40000000;

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}

/// <summary>
/// nf_conntrack_max lowered for a test, and put back on Dispose. The setting is global, so a machine-wide lock file
/// (flock through FileShare.None) lets one test at a time change it, and the file holds the original value while it
/// is lowered: a test run killed in between leaves it there, and the next one puts it back first.
/// </summary>
public sealed class ConntrackLimit : IDisposable
{
    private const string Setting = "/proc/sys/net/netfilter/nf_conntrack_max";
    private const string LockPath = "/run/lock/diag-tests-nf_conntrack_max";
    private readonly FileStream _lock;
    private bool _disposed;

    private ConntrackLimit(FileStream lockFile, long original)
    {
        _lock = lockFile;
        Original = original;
    }

    /// <summary>The value to put back.</summary>
    public long Original { get; }

    public static long Current => long.Parse(File.ReadAllText(Setting).Trim());

    public static ConntrackLimit Lower(long max)
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
                Thread.Sleep(100); // another test (or test run) has lowered it: wait for it to put it back
            }
        }
        try
        {
            using (var reader = new StreamReader(lockFile, leaveOpen: true))
            {
                if (long.TryParse(reader.ReadToEnd().Trim(), out long stale)) File.WriteAllText(Setting, stale.ToString());
            }
            long original = Current;
            Record(lockFile, original.ToString());
            File.WriteAllText(Setting, max.ToString());
            return new ConntrackLimit(lockFile, original);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            File.WriteAllText(Setting, Original.ToString());
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
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        file.Write(bytes);
        file.Flush(flushToDisk: true);
    }
}
