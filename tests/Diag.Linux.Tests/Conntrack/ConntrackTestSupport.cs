using Diag.Linux.Conntrack;
using Diag.Linux.KernelLog;

namespace Diag.Linux.Tests.Conntrack;

/// <summary>The conntrack tests change nf_conntrack_max, which is global: they run one at a time (and ConntrackLimit
/// locks across processes).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConntrackCollection
{
    public const string Name = "conntrack";
}

internal static class ConntrackTestSupport
{
    /// <summary>Runs the inspector and returns its reports and problems (progress and notes are dropped).</summary>
    public static (List<ConntrackReport> Reports, List<ConntrackProblem> Problems) Inspect(ConntrackInspector inspector)
    {
        var reports = new List<ConntrackReport>();
        var problems = new List<ConntrackProblem>();
        foreach (var item in inspector.Run(CancellationToken.None))
        {
            if (item.Report is { } r) reports.Add(r);
            if (item.Problem is { } p) problems.Add(p);
        }
        return (reports, problems);
    }

    public static ConntrackReport InspectOne(string ns, double seconds = 1)
    {
        var (reports, problems) = Inspect(ConntrackInspector.ForNamespaces([ns], TimeSpan.FromSeconds(seconds)));
        Assert.Empty(problems);
        return Assert.Single(reports);
    }

    /// <summary>The namespace's entry count (net.netfilter.nf_conntrack_count, read inside it).</summary>
    public static long Count(string ns) =>
        TestNetwork.In(ns, () => long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_count").Trim()));

    /// <summary>The kernel log's "table full" lines that name the namespace.</summary>
    public static int TableFullLines(ulong inode)
    {
        var records = new List<KernelMessage>();
        Assert.Equal(0, KernelMessageReader.TryRead(t => t.Contains($"table full in netns {inode},", StringComparison.Ordinal), records, out _, out _));
        return records.Count;
    }

    /// <summary>Waits for a condition (the machine is shared: no fixed delays).</summary>
    public static void WaitUntil(Func<bool> condition, string what, double seconds = 60)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail($"timed out waiting until {what}");
            Thread.Sleep(20);
        }
    }

    public static ConntrackCheck Check(ConntrackReport report, string name) => report.Checks.Single(c => c.Check == name);

    /// <summary>Keeps sending new connections (each SYN a new entry, or a drop) until disposed.</summary>
    public sealed class ConnectionLoad : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;

        public ConnectionLoad(TestNetwork network, int port)
        {
            _thread = new Thread(() =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    network.StartConnect(port);
                    _stop.Token.WaitHandle.WaitOne(20);
                }
            }) { IsBackground = true, Name = "connection load" };
            _thread.Start();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
            _stop.Dispose();
        }
    }
}
