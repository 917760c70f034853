using System.Globalization;

namespace Diag.Linux.Conntrack;

/// <summary>
/// One of the kernel's conntrack counters for a network namespace, summed over CPUs, named as <c>conntrack -S</c>
/// prints it (found, invalid, insert, insert_failed, drop, early_drop, error, search_restart, clash_resolve,
/// chaintoolong): its total since the namespace's conntrack started, and how much it grew during the sample.
/// </summary>
public sealed class ConntrackCounter
{
    internal ConntrackCounter(string name, ulong total, ulong duringSample, TimeSpan sample)
    {
        Name = name;
        Total = total;
        DuringSample = duringSample;
        PerSecond = sample > TimeSpan.Zero ? Math.Round(duringSample / sample.TotalSeconds, 2) : 0;
    }

    /// <summary>The counter's name in <c>conntrack -S</c>.</summary>
    public string Name { get; }

    /// <summary>The count since the namespace's conntrack started (the kernel keeps 32 bits per CPU).</summary>
    public ulong Total { get; }

    /// <summary>How much it grew during the sample interval.</summary>
    public ulong DuringSample { get; }

    /// <summary><see cref="DuringSample"/> per second of the sample.</summary>
    public double PerSecond { get; }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} {Total} (+{DuringSample}, {PerSecond:0.##}/s)");
}
