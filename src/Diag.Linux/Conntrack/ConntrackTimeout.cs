using System.Globalization;

namespace Diag.Linux.Conntrack;

/// <summary>A timeout that keeps entries of one state alive after their last packet, with the sysctl that sets it and
/// how many entries of the table are in that state.</summary>
public sealed class ConntrackTimeout
{
    internal ConntrackTimeout(string state, string setting, TimeSpan timeout, long entries)
    {
        State = state;
        Setting = setting;
        Timeout = timeout;
        Entries = entries;
    }

    /// <summary>The state, as in <see cref="ConntrackConsumer.Name"/> (<c>tcp TIME_WAIT</c>).</summary>
    public string State { get; }

    /// <summary>The sysctl, e.g. <c>net.netfilter.nf_conntrack_tcp_timeout_time_wait</c> (per network namespace).</summary>
    public string Setting { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Entries in that state now.</summary>
    public long Entries { get; }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{State} {ConntrackText.Duration(Timeout)} ({Entries} entries)");
}
