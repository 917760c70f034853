using System.Globalization;
using Diag.Linux.Netlink;

namespace Diag.Linux.Neighbors;

/// <summary>
/// Says what a neighbour entry means for connections to its address, from its state and how its interface resolves
/// (requests, their spacing, the queue): a connect to an address being resolved waits, one to an address that failed
/// gets "No route to host", and one lost request costs a whole retransmit interval — the second that connects took
/// in the ARP incident of the help.
/// </summary>
internal static class NeighborDiagnoser
{
    public static (NeighborDiagnosis Diagnosis, string Message, string Remedy) Diagnose(
        NeighborRecord entry, NeighborState state, string address, string interfaceName, NeighborInterfaceSettings settings)
    {
        bool ipv4 = entry.Family == ConntrackFlow.AF_INET;
        string requests = ipv4 ? "ARP requests" : "neighbour solicitations";
        string retrans = Time(settings.RetransmitTime);
        int total = Math.Max(1, settings.MulticastProbes + settings.ApplicationProbes);
        string probes = entry.Probes is { } p ? p.ToString(CultureInfo.InvariantCulture) : "?";
        switch (state)
        {
            case NeighborState.Incomplete:
                string remedy = settings.RetransmitTime > TimeSpan.FromMilliseconds(200)
                    ? $"sysctl -w net.{(ipv4 ? "ipv4" : "ipv6")}.neigh.{interfaceName}.retrans_time_ms=200"
                    : "";
                return (NeighborDiagnosis.Resolving,
                    $"Resolving {address} on {interfaceName}: {probes} of {total} {requests} sent, {retrans} apart. Packets to it wait in a queue of " +
                    $"{settings.UnresolvedQueueBytes.ToString(CultureInfo.InvariantCulture)} bytes (older ones are discarded beyond it), so a connect waits too, and fails with " +
                    $"'No route to host' if nothing answers within {Time(settings.ResolutionTimeout)}. Each lost request costs {retrans}: a shorter retrans_time_ms makes the next one go sooner.",
                    remedy);
            case NeighborState.Failed:
                return (NeighborDiagnosis.Unresolved,
                    $"No answer to {probes} {requests} for {address} on {interfaceName}: packets to it are dropped (NEIGH_FAILED) and connects fail with " +
                    $"'No route to host' (EHOSTUNREACH); the next packet starts a new resolution. Check that {address} is up and on this link, and that " +
                    $"{(ipv4 ? "ARP" : "neighbour discovery")} is not filtered or rate-limited on the network.",
                    "");
            case NeighborState.Delay or NeighborState.Probe:
                return (NeighborDiagnosis.Confirming,
                    $"In use while the kernel confirms that {address} still answers ({settings.UnicastProbes.ToString(CultureInfo.InvariantCulture)} unicast probes, {retrans} apart); " +
                    "packets go out meanwhile. Without an answer the entry fails and packets to it are dropped.",
                    "");
            case NeighborState.Stale:
                return (NeighborDiagnosis.Ok,
                    $"Resolved, not confirmed for {Ago(entry.ConfirmedTicksAgo)}: packets go out, and the first one starts a check {Time(settings.DelayFirstProbeTime)} later.",
                    "");
            case NeighborState.Reachable:
                return (NeighborDiagnosis.Ok, $"Resolved and confirmed {Ago(entry.ConfirmedTicksAgo)} ago.", "");
            case NeighborState.Permanent:
                return (NeighborDiagnosis.Ok, "Set by hand (nud permanent): never resolved again and never expires.", "");
            case NeighborState.NoArp:
                return (NeighborDiagnosis.Ok, "Needs no resolution (loopback, point-to-point or multicast).", "");
            default:
                return (NeighborDiagnosis.Ok, "Just created or being removed.", "");
        }
    }

    /// <summary>Clock ticks (USER_HZ) as a readable time.</summary>
    internal static TimeSpan? Age(uint? ticks) => ticks is { } t ? TimeSpan.FromSeconds(t / (double)TicksPerSecond) : null;

    private static string Ago(uint? ticks) => Age(ticks) is { } age ? Time(age) : "an unknown time";

    internal static string Time(TimeSpan value) =>
        value.TotalSeconds >= 1 ? value.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
        : value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static readonly long TicksPerSecond = Math.Max(1, Interop.Libc.SysConf(Interop.Libc._SC_CLK_TCK));
}
