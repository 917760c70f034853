using Diag.Linux.Netlink;

namespace Diag.Linux.Neighbors;

/// <summary>What rtnetlink says in one network namespace, read from a thread inside it: the neighbour entries, the
/// tables with the namespace's interface settings, the interface names, and the routes to the addresses asked for
/// that have no entry of their own.</summary>
internal sealed class NeighborSnapshot
{
    public List<NeighborRecord> Records { get; } = new();

    public List<NeighborTableRecord> Tables { get; } = new();

    public Dictionary<int, string> Links { get; } = new();

    /// <summary>Address (as bytes' text) → the route to it: interface and gateway, or the errno of the lookup.</summary>
    public Dictionary<string, (int Interface, byte[]? Gateway, int Errno)> Routes { get; } = new(StringComparer.Ordinal);

    /// <summary>0, or the errno of the dump that failed (and which).</summary>
    public int Errno { get; private set; }

    public string? FailedDump { get; private set; }

    /// <summary>Reads the calling thread's namespace; routes are looked up for those of <paramref name="exactAddresses"/>
    /// whose entry is missing from the dump.</summary>
    public static NeighborSnapshot Read(IReadOnlyList<byte[]> exactAddresses)
    {
        var snapshot = new NeighborSnapshot();
        int errno = RouteNetlink.TryOpen(out var socket);
        if (errno != 0)
        {
            snapshot.Fail(errno, "socket(NETLINK_ROUTE)");
            return snapshot;
        }
        using (socket)
        {
            if ((errno = RouteNetlink.TryDumpLinkNames(socket!, snapshot.Links)) != 0) snapshot.Fail(errno, "RTM_GETLINK");
            else if ((errno = RouteNetlink.TryDumpNeighbors(socket!, 0, snapshot.Records)) != 0) snapshot.Fail(errno, "RTM_GETNEIGH");
            else if ((errno = RouteNetlink.TryDumpNeighborTables(socket!, snapshot.Tables)) != 0) snapshot.Fail(errno, "RTM_GETNEIGHTBL");
            if (snapshot.Errno != 0) return snapshot;
            foreach (var address in exactAddresses)
            {
                if (snapshot.Records.Any(r => r.Address.AsSpan().SequenceEqual(address))) continue;
                errno = RouteNetlink.TryGetRoute(socket!, address, out int oif, out var gateway);
                snapshot.Routes[Convert.ToHexString(address)] = (oif, gateway, errno);
            }
        }
        return snapshot;
    }

    private void Fail(int errno, string what)
    {
        Errno = errno;
        FailedDump = what;
    }

    public static string Key(byte[] address) => Convert.ToHexString(address);

    internal const int ENETUNREACH = 101;

    public static string Describe(int errno) => errno == ENETUNREACH ? "no route" : Interop.Errno.GetDescription(errno);
}
