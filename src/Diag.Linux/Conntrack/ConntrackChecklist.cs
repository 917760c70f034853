using Diag.Linux.CoreDumps;

namespace Diag.Linux.Conntrack;

/// <summary>
/// Judges one namespace's observation: one <see cref="ConntrackCheck"/> per check, each with its remedy, then the
/// verdict and its summary. Never changes anything: remedies are commands for the user.
/// </summary>
internal sealed partial class ConntrackChecklist
{
    private readonly ConntrackObservation _o;
    private readonly List<ConntrackCheck> _checks = new();

    private ConntrackChecklist(ConntrackObservation observation) => _o = observation;

    public static ConntrackReport Judge(ConntrackObservation observation)
    {
        var list = new ConntrackChecklist(observation);
        if (!observation.Settings.Available)
        {
            list.Add(ConntrackCheckName.Capacity, CheckStatus.Info, "no connection tracking in this kernel", "",
                "/proc/sys/net/netfilter/nf_conntrack_max does not exist: the kernel tracks no connections, so no table can fill.");
            return new ConntrackReport(observation, list._checks, ConntrackVerdict.Idle, "Connection tracking is not in this kernel.", []);
        }
        list.CheckCapacity();
        list.CheckDrops();
        list.CheckEarlyDrops();
        list.CheckInsertFailures();
        list.CheckHashChains();
        list.CheckSearchRestarts();
        list.CheckKernelLog();
        list.CheckConsumers();
        list.CheckTimeouts();
        var verdict = list.Verdict();
        return new ConntrackReport(observation, list._checks, verdict, list.Summary(verdict), list.Timeouts());
    }

    private void Add(ConntrackCheckName name, CheckStatus status, string actual, string expected, string message, string remedy = "") =>
        _checks.Add(new ConntrackCheck(name, status, _o.Namespace.Inode) { Actual = actual, Expected = expected, Message = message, Remedy = remedy });

    private ConntrackVerdict Verdict()
    {
        if (_checks.Any(c => c.StatusValue == CheckStatus.Fail)) return ConntrackVerdict.Dropping;
        if (_checks.Any(c => c.StatusValue == CheckStatus.Warning)) return ConntrackVerdict.AtRisk;
        bool nothingCounted = _o.Counters.All(c => c.Total == 0 || c.Name is "search_restart");
        if (_o.Entries == 0 && nothingCounted && _o.LogLines.Count == 0) return ConntrackVerdict.Idle;
        return ConntrackVerdict.Ok;
    }

    private string Summary(ConntrackVerdict verdict)
    {
        if (verdict == ConntrackVerdict.Idle) return "Connection tracking holds nothing and counted nothing here: no rule uses it in this namespace.";
        var parts = new List<string>
        {
            _o.Max > 0
                ? ConntrackText.Invariant($"{ConntrackText.Count(_o.Entries)} of {ConntrackText.Count(_o.Max)} entries ({ConntrackText.Percent(_o.UsePercent)})")
                : ConntrackText.Invariant($"{ConntrackText.Count(_o.Entries)} entries (no limit)"),
        };
        string sample = ConntrackText.Duration(_o.SampleInterval);
        foreach (var (name, what) in new[] { ("drop", "packets dropped for a full table"), ("early_drop", "entries evicted"), ("insert_failed", "packets lost to insert races"), ("chaintoolong", "packets dropped for long hash chains") })
        {
            var counter = _o.Counter(name);
            if (counter.DuringSample > 0) parts.Add($"{ConntrackText.Count(counter.DuringSample)} {what} in {sample} ({ConntrackText.Rate(counter.PerSecond)})");
        }
        int lines = _o.LogLines.Count(m => m.SinceBoot >= _o.SampleStartSinceBoot);
        if (lines > 0) parts.Add($"{lines} 'table full' lines in the kernel log during the sample");
        if (verdict == ConntrackVerdict.Ok) parts.Add("nothing dropped");
        if (verdict == ConntrackVerdict.AtRisk)
            parts.Add("watch " + string.Join(", ", _checks.Where(c => c.StatusValue == CheckStatus.Warning).Select(c => c.Check)));
        if (_o.Tally is { Entries: > 0 } tally && verdict != ConntrackVerdict.Ok)
        {
            var state = tally.TopStates(1)[0];
            var port = tally.TopDestinationPorts(1).FirstOrDefault();
            var source = tally.TopSources(1)[0];
            parts.Add($"mostly {state.Name} ({ConntrackText.Percent(state.Percent)})"
                      + (port is { Percent: >= 20 } ? $", to {port.Name} ({ConntrackText.Percent(port.Percent)})" : "")
                      + (source.Percent >= 50 ? $", from {source.Name} ({ConntrackText.Percent(source.Percent)})" : ""));
        }
        return string.Join("; ", parts) + ".";
    }

    /// <summary>The next power of two at or above <paramref name="value"/> (the hash size the kernel prefers).</summary>
    private static long PowerOfTwoAtLeast(long value)
    {
        long p = 1;
        while (p < value && p < (1L << 40)) p <<= 1;
        return p;
    }

    /// <summary>What to raise nf_conntrack_max to: twice what the namespace needs now (at least 65536), a power of two.</summary>
    private long SuggestedMax => PowerOfTwoAtLeast(Math.Max(65536, 2 * Math.Max(_o.Entries, _o.Max)));

    private string MaxRemedy => $"sysctl -w net.netfilter.nf_conntrack_max={SuggestedMax}";

    /// <summary>The limit, and the hash size to go with it when the table would otherwise average more than one entry
    /// per bucket at the new limit (lookups walk the chains).</summary>
    private string CapacityRemedy => SuggestedMax > _o.Buckets && _o.Buckets > 0
        ? MaxRemedy + $"\nsysctl -w net.netfilter.nf_conntrack_buckets={SuggestedMax}"
        : MaxRemedy;

    /// <summary>Where the global settings are written: said in messages, since the command must run there.</summary>
    private string HostNote => _o.Settings.MaxWritable
        ? "Add the setting to a file in /etc/sysctl.d to keep it after a reboot."
        : "Run it on the host (in its initial network namespace: the limit is global, read-only in this namespace) and add it to /etc/sysctl.d there.";
}
