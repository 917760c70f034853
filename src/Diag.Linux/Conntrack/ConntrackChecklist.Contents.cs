using System.Globalization;
using Diag.Linux.CoreDumps;
using Diag.Linux.Interop;
using static Diag.Linux.Conntrack.ConntrackText;

namespace Diag.Linux.Conntrack;

// What the kernel logged, what fills the table and the timeouts that keep it there.
internal sealed partial class ConntrackChecklist
{
    private void CheckKernelLog()
    {
        const string Expected = "no 'table full' line";
        const string Why = "The kernel writes 'nf_conntrack: table full, dropping packet' (with 'in netns N' since Linux 6.x) when it drops for a full table, at most about 10 lines per 5 s (net_ratelimit): the lines say when, the drop counter how many.";
        var log = _o.Log;
        if (log.Errno != 0)
        {
            Add(ConntrackCheckName.KernelLog, CheckStatus.Info, $"/dev/kmsg could not be read ({Errno.GetName(log.Errno)})", Expected,
                "The kernel log is readable only by root where kernel.dmesg_restrict is 1. " + Why, "sudo dmesg | grep 'nf_conntrack: table full'");
            return;
        }
        var mine = _o.LogLines;
        var unattributed = log.Unattributed.ToList();
        string since = log.BufferStart is { } start ? $" (the log starts at {start:HH:mm:ss} on {start:yyyy-MM-dd}: older lines are gone)" : " since boot";
        string earlier = _o.EarlierNamespaceLogLines switch
        {
            0 => "",
            int n when mine.Count == 0 => Invariant($"; {n} lines name the same inode, from an earlier namespace (this one never dropped a packet)"),
            int n => Invariant($" ({n} older lines name the same inode: more than this namespace's drop counter, so from an earlier namespace)"),
        };
        if (mine.Count == 0 && unattributed.Count == 0)
        {
            Add(ConntrackCheckName.KernelLog, CheckStatus.Pass, "none" + since + earlier, Expected, Why);
            return;
        }
        var parts = new List<string>();
        if (mine.Count > 0)
        {
            int during = mine.Count(m => m.SinceBoot >= _o.SampleStartSinceBoot);
            parts.Add(Invariant($"{mine.Count} naming this namespace{since}, the last at {mine[^1].Time:HH:mm:ss} on {mine[^1].Time:yyyy-MM-dd}")
                      + (during > 0 ? Invariant($", {during} during the sample") : "") + earlier);
        }
        if (unattributed.Count > 0)
            parts.Add(Invariant($"{unattributed.Count} naming no namespace (this kernel does not say which), the last at {unattributed[^1].Time:HH:mm:ss} on {unattributed[^1].Time:yyyy-MM-dd}"));
        bool now = mine.Any(m => m.SinceBoot >= _o.SampleStartSinceBoot);
        Add(ConntrackCheckName.KernelLog, now ? CheckStatus.Fail : CheckStatus.Warning, string.Join("; ", parts), Expected,
            Why + (now ? "" : " None during the sample: the table was full earlier."));
    }

    private void CheckConsumers()
    {
        const string Expected = "no single port or state filling a table under pressure";
        if (_o.Tally is not { } tally)
        {
            Add(ConntrackCheckName.Consumers, CheckStatus.Info, "not read: " + _o.WhyNoTally, Expected,
                "The table's entries are read with a ctnetlink dump, as conntrack -L does.");
            return;
        }
        if (tally.Entries == 0)
        {
            Add(ConntrackCheckName.Consumers, CheckStatus.Pass, "the table is empty", Expected, "Nothing is tracked in this namespace now.");
            return;
        }
        var state = tally.TopStates(2);
        var source = tally.TopSources(1)[0];
        var port = tally.TopDestinationPorts(1).FirstOrDefault();
        string actual = string.Join(", ", state.Select(s => $"{s.Name} {Percent(s.Percent)}"))
                        + $"; top source {source.Name} ({Percent(source.Percent)})"
                        + (port is not null ? $"; top port {port.Name} ({Percent(port.Percent)})" : "");
        const string Why = "What fills the table, from a dump (conntrack -L | sort | uniq -c).";
        if (_o.UnderPressure && port is { Percent: >= 50 })
        {
            Add(ConntrackCheckName.Consumers, CheckStatus.Warning, actual, Expected,
                Why + $" Port {port.Name} holds {Percent(port.Percent)} of the entries: if the firewall needs no connection state for it, a NOTRACK rule takes it out of the table. Untracked packets skip NAT and 'ct state' rules, so the firewall must accept that port without them; the rules below are for a port this host serves (for connections it opens to that port, swap dport and sport).",
                NotrackRule(port.Protocol!, port.Port!.Value));
            return;
        }
        Add(ConntrackCheckName.Consumers, CheckStatus.Info, actual, Expected,
            Why + (_o.UnderPressure ? " No single port dominates: raise the limit, or shorten the timeouts of the states that dominate." : ""));
    }

    /// <summary>The NOTRACK rules for a port, as one nft -f block (a here-document: its lines stay short enough to read
    /// whole at 80 columns, whatever the namespace is called).</summary>
    private string NotrackRule(string protocol, int port)
    {
        string p = port.ToString(CultureInfo.InvariantCulture);
        return string.Join('\n',
            _o.Namespace.CommandPrefix + "nft -f - <<'EOF'",
            "add table inet diag_notrack",
            "add chain inet diag_notrack pre { type filter hook prerouting priority raw; }",
            "add chain inet diag_notrack out { type filter hook output priority raw; }",
            $"add rule inet diag_notrack pre {protocol} dport {p} notrack",
            $"add rule inet diag_notrack out {protocol} sport {p} notrack",
            "EOF");
    }

    // Timeouts a crowded table can safely lose some of, by state: what to lower them to.
    private static readonly Dictionary<string, long> ShorterTimeouts = new(StringComparer.Ordinal)
    {
        ["nf_conntrack_tcp_timeout_time_wait"] = 30,
        ["nf_conntrack_tcp_timeout_syn_sent"] = 30,
        ["nf_conntrack_tcp_timeout_syn_recv"] = 30,
        ["nf_conntrack_tcp_timeout_fin_wait"] = 30,
        ["nf_conntrack_tcp_timeout_close_wait"] = 60,
        ["nf_conntrack_tcp_timeout_last_ack"] = 30,
        ["nf_conntrack_tcp_timeout_established"] = 86400,
        ["nf_conntrack_udp_timeout"] = 10,
        ["nf_conntrack_udp_timeout_stream"] = 60,
    };

    private void CheckTimeouts()
    {
        const string Expected = "short timeouts for the states that fill a crowded table";
        var timeouts = Timeouts();
        if (timeouts.Count == 0)
        {
            Add(ConntrackCheckName.Timeouts, CheckStatus.Pass, _o.Tally is null ? "not read (no dump)" : "the table is empty", Expected,
                "An entry lives on after its last packet for its state's timeout (net.netfilter.nf_conntrack_*_timeout_*).");
            return;
        }
        string actual = string.Join(", ", timeouts.Take(3).Select(t => $"{t.State} {Duration(t.Timeout)} ({Percent(_o.Entries > 0 ? 100.0 * t.Entries / Math.Max(1, _o.Tally!.Entries) : 0)})"));
        const string Why = "An entry lives on after its last packet for its state's timeout; these sysctls are per namespace.";
        var crowding = timeouts.FirstOrDefault(t => _o.Tally!.Entries > 0 && 100.0 * t.Entries / _o.Tally.Entries >= 30
            && ShorterTimeouts.TryGetValue(t.Setting["net.netfilter.".Length..], out long shorter) && t.Timeout.TotalSeconds > shorter);
        if (_o.UnderPressure && crowding is not null)
        {
            long shorter = ShorterTimeouts[crowding.Setting["net.netfilter.".Length..]];
            string risk = crowding.State == "tcp ESTABLISHED"
                ? " Entries of idle connections expire sooner: a NAT or stateful firewall then drops their next packet, so keep it above the longest idle time (keepalives)."
                : "";
            Add(ConntrackCheckName.Timeouts, CheckStatus.Warning, actual, Expected,
                Why + $" {crowding.State} entries fill {Percent(100.0 * crowding.Entries / _o.Tally!.Entries)} of the table and live {Duration(crowding.Timeout)} each." + risk,
                $"{_o.Namespace.CommandPrefix}sysctl -w {crowding.Setting}={shorter}");
            return;
        }
        Add(ConntrackCheckName.Timeouts, CheckStatus.Info, actual, Expected, Why);
    }

    /// <summary>The timeouts of the states in the table, most entries first.</summary>
    internal List<ConntrackTimeout> Timeouts()
    {
        var list = new List<ConntrackTimeout>();
        if (_o.Tally is not { } tally) return list;
        foreach (var (key, entries) in tally.States.Take(_o.Top))
        {
            string setting = ConntrackStates.TimeoutOf(key);
            if (!_o.Settings.TimeoutSeconds.TryGetValue(setting, out long seconds)) continue;
            list.Add(new ConntrackTimeout(ConntrackStates.NameOf(key), "net.netfilter." + setting, TimeSpan.FromSeconds(seconds), entries));
        }
        return list;
    }
}
