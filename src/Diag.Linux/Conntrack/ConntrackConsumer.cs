using System.Globalization;
using Diag.Linux.Output;

namespace Diag.Linux.Conntrack;

/// <summary>
/// One of the biggest consumers of a conntrack table: a state (<c>tcp TIME_WAIT</c>, <c>udp UNREPLIED</c>), a source
/// address, or a destination port, with how many entries it holds and its share of the table.
/// </summary>
public sealed class ConntrackConsumer
{
    internal ConntrackConsumer(string kind, string name, long entries, long total)
    {
        Kind = kind;
        Name = name;
        Entries = entries;
        Percent = total > 0 ? Math.Round(100.0 * entries / total, 1) : 0;
    }

    /// <summary>State, Source or DestinationPort.</summary>
    public string Kind { get; }

    /// <summary>What it is: <c>tcp TIME_WAIT</c>, <c>10.0.0.5</c>, <c>tcp/8100</c>.</summary>
    public string Name { get; }

    /// <summary>For a Source: the address. (Not "Address": on a list of consumers PowerShell would find the array's
    /// Address method instead of each one's address, and $report.TopSources.Address would be no addresses.)</summary>
    public NetworkAddress? IPAddress { get; internal init; }

    /// <summary>For a DestinationPort: the protocol (tcp, udp…) and port.</summary>
    public string? Protocol { get; internal init; }

    public int? Port { get; internal init; }

    /// <summary>Entries of the table it holds.</summary>
    public long Entries { get; }

    /// <summary>Its share of the namespace's entries.</summary>
    public double Percent { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {Entries} ({Percent:0.#}%)");
}
