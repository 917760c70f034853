using Diag.Linux.Netlink;

namespace Diag.Linux.Conntrack;

/// <summary>
/// Turns two readings of the per-CPU counters into <see cref="ConntrackCounter"/>s: totals summed over CPUs, and the
/// growth between the readings taken CPU by CPU in 32 bits (the kernel's counters wrap at 2^32).
/// </summary>
internal static class ConntrackCounters
{
    /// <summary>The counters in <c>conntrack -S</c>'s order, with how each is read from a CPU's statistics.</summary>
    public static readonly (string Name, Func<ConntrackCpuStatistics, uint> Read)[] All =
    [
        ("found", s => s.Found),
        ("invalid", s => s.Invalid),
        ("insert", s => s.Insert),
        ("insert_failed", s => s.InsertFailed),
        ("drop", s => s.Drop),
        ("early_drop", s => s.EarlyDrop),
        ("error", s => s.Error),
        ("search_restart", s => s.SearchRestart),
        ("clash_resolve", s => s.ClashResolve),
        ("chaintoolong", s => s.ChainTooLong),
    ];

    public static List<ConntrackCounter> Compare(IReadOnlyList<ConntrackCpuStatistics> before, IReadOnlyList<ConntrackCpuStatistics> after, TimeSpan interval)
    {
        var counters = new List<ConntrackCounter>(All.Length);
        foreach (var (name, read) in All)
        {
            ulong total = 0, grown = 0;
            foreach (var cpu in after)
            {
                uint now = read(cpu);
                total += now;
                var earlier = before.FirstOrDefault(b => b.Cpu == cpu.Cpu);
                grown += unchecked(now - read(earlier));
            }
            counters.Add(new ConntrackCounter(name, total, grown, interval));
        }
        return counters;
    }
}
