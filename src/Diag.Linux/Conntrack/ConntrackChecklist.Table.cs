using Diag.Linux.CoreDumps;
using static Diag.Linux.Conntrack.ConntrackText;

namespace Diag.Linux.Conntrack;

// The table's size and the kernel's counters: capacity, drops, evictions, insert races, hash chains, restarts.
internal sealed partial class ConntrackChecklist
{
    private void CheckCapacity()
    {
        const string Expected = "below 80 % of nf_conntrack_max";
        if (_o.Max <= 0)
        {
            Add(ConntrackCheckName.Capacity, CheckStatus.Info, $"{Count(_o.Entries)} entries; nf_conntrack_max is 0 (no limit)", Expected,
                "With no limit the table grows until memory runs out instead of dropping packets.");
            return;
        }
        string actual = Invariant($"{Count(_o.Entries)} of {Count(_o.Max)} entries ({Percent(_o.UsePercent)})");
        bool dropping = _o.Counter("drop").DuringSample > 0 || _o.Counter("early_drop").DuringSample > 0;
        var status = _o.Entries >= _o.Max || (dropping && _o.Entries >= 0.9 * _o.Max) ? CheckStatus.Fail
            : _o.Entries >= 0.8 * _o.Max ? CheckStatus.Warning
            : CheckStatus.Pass;
        if (status == CheckStatus.Pass)
        {
            Add(ConntrackCheckName.Capacity, status, actual, Expected,
                "nf_conntrack_max limits each network namespace's table separately; this one has room.");
            return;
        }
        bool buckets = SuggestedMax > _o.Buckets && _o.Buckets > 0;
        string cost = _o.EntryBytes is { } bytes
            ? $" {Count(SuggestedMax)} entries take at most {Bytes((double)SuggestedMax * bytes)} ({bytes} bytes each)" +
              (buckets ? $", and as many hash buckets {Bytes(SuggestedMax * 8.0)} more, keeping lookups at one entry per bucket." : ".")
            : buckets ? " As many hash buckets keep lookups at one entry per bucket." : "";
        Add(ConntrackCheckName.Capacity, status, actual, Expected,
            (status == CheckStatus.Fail
                ? "The table is full: the first packet of each new connection (a SYN, a datagram) is dropped unless an unanswered entry can be evicted, and the application sees nothing but timeouts."
                : "The table is filling up: at nf_conntrack_max, new connections are dropped.")
            + " The limit counts each namespace separately and is set for all of them." + cost + " " + HostNote,
            CapacityRemedy);
    }

    private void CheckDrops()
    {
        var drop = _o.Counter("drop");
        const string Expected = "0";
        const string Why = "Packets dropped because the table was full and nothing could be evicted (conntrack -S: drop): each is a SYN or datagram the application never sees.";
        if (drop.DuringSample > 0)
            Add(ConntrackCheckName.TableFullDrops, CheckStatus.Fail, Sampled(drop), Expected, Why, MaxRemedy);
        else if (drop.Total > 0)
            Add(ConntrackCheckName.TableFullDrops, CheckStatus.Warning, Sampled(drop), Expected,
                Why + " None during the sample: it was full earlier, and may fill again at the next peak.", MaxRemedy);
        else
            Add(ConntrackCheckName.TableFullDrops, CheckStatus.Pass, "0", Expected, "No packet was dropped for a full table.");
    }

    private void CheckEarlyDrops()
    {
        var early = _o.Counter("early_drop");
        const string Expected = "0";
        const string Why = "Entries evicted to make room when the table was full (conntrack -S: early_drop): connections not yet answered go first, and fail.";
        if (early.DuringSample > 0)
            Add(ConntrackCheckName.EarlyDrops, CheckStatus.Warning, Sampled(early), Expected, Why, MaxRemedy);
        else if (early.Total > 0)
            Add(ConntrackCheckName.EarlyDrops, CheckStatus.Info, Sampled(early), Expected, Why + " None during the sample.");
        else
            Add(ConntrackCheckName.EarlyDrops, CheckStatus.Pass, "0", Expected, "No entry was evicted to make room.");
    }

    private void CheckInsertFailures()
    {
        var failed = _o.Counter("insert_failed");
        var clash = _o.Counter("clash_resolve");
        string actual = Sampled(failed) + Invariant($"; clash_resolve {Count(clash.Total)} (races resolved, no drop)");
        const string Expected = "insert_failed 0";
        const string Why = "Packets dropped because another CPU inserted the same connection first and the clash could not be resolved: typically UDP sent in parallel from one socket, such as a resolver's A and AAAA queries, seen as 5 s DNS timeouts.";
        const string Remedy = "echo 'options single-request-reopen' >> /etc/resolv.conf";
        if (failed.DuringSample > 0)
            Add(ConntrackCheckName.InsertFailures, CheckStatus.Fail, actual, Expected, Why + " For DNS, a separate socket per query avoids the race.", Remedy);
        else if (failed.Total > 0)
            Add(ConntrackCheckName.InsertFailures, CheckStatus.Warning, actual, Expected, Why + " None during the sample.", Remedy);
        else
            Add(ConntrackCheckName.InsertFailures, CheckStatus.Pass, actual, Expected, "No insert race dropped a packet.");
    }

    private void CheckHashChains()
    {
        var tooLong = _o.Counter("chaintoolong");
        double average = _o.Buckets > 0 ? (double)_o.AllNamespacesEntries / _o.Buckets : 0;
        string lowerBound = _o.UncountedNamespaces > 0 ? $" (at least: {_o.UncountedNamespaces} namespaces could not be counted)" : "";
        string actual = Invariant($"{average:G3} entries per bucket ({Count(_o.AllNamespacesEntries)} entries of all namespaces in {Count(_o.Buckets)} buckets){lowerBound}; chaintoolong {Count(tooLong.Total)}");
        const string Expected = "at most 1 entry per bucket; chaintoolong 0";
        const string Why = "Every packet looks its connection up in one hash table that all namespaces share; long chains cost CPU per packet, and an insert into a chain that is too long is refused and its packet dropped (conntrack -S: chaintoolong, Linux 5.15+).";
        long buckets = PowerOfTwoAtLeast(Math.Max(Math.Max(_o.AllNamespacesEntries, _o.Max), 1));
        string remedy = $"sysctl -w net.netfilter.nf_conntrack_buckets={buckets}";
        if (tooLong.DuringSample > 0)
            Add(ConntrackCheckName.HashChains, CheckStatus.Fail, actual, Expected, Why + " " + HostNote, remedy);
        else if (average > 2 || tooLong.Total > 0)
            Add(ConntrackCheckName.HashChains, CheckStatus.Warning, actual, Expected, Why + " " + HostNote, buckets > _o.Buckets ? remedy : "");
        else
            Add(ConntrackCheckName.HashChains, CheckStatus.Pass, actual, Expected, "Hash chains are short.");
    }

    private void CheckSearchRestarts()
    {
        var restarts = _o.Counter("search_restart");
        Add(ConntrackCheckName.SearchRestarts, restarts.DuringSample > 0 ? CheckStatus.Info : CheckStatus.Pass, Sampled(restarts), "no steady growth",
            "Lookups started again because an entry moved under them (resizes, heavy churn): harmless unless it grows as fast as packets arrive.");
    }

    /// <summary>"51 in the last 1 s (51/s); 51 in all": what a counter did during the sample and in total.</summary>
    private string Sampled(ConntrackCounter counter) =>
        counter.DuringSample > 0
            ? $"{Count(counter.DuringSample)} in {Duration(_o.SampleInterval)} ({Rate(counter.PerSecond)}); {Count(counter.Total)} in all"
            : $"{Count(counter.Total)} in all, none in {Duration(_o.SampleInterval)}";
}
