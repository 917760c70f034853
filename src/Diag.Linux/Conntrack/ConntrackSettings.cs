using System.Text;
using Diag.Linux.Interop;
using Diag.Linux.ProcFs;

namespace Diag.Linux.Conntrack;

/// <summary>
/// The conntrack sysctls of one network namespace (/proc/sys/net/netfilter, read from a thread inside it): the
/// entry count, the limit and hash size (global, writable only from the host's namespace) and the timeouts (per
/// namespace). Null values: the file is missing on this kernel.
/// </summary>
internal sealed class ConntrackSettings
{
    public const string Directory = "/proc/sys/net/netfilter/";

    /// <summary>The timeout sysctls, by the state they apply to (see <see cref="ConntrackStates"/>).</summary>
    public static readonly string[] TimeoutNames =
    [
        "nf_conntrack_tcp_timeout_syn_sent", "nf_conntrack_tcp_timeout_syn_recv", "nf_conntrack_tcp_timeout_established",
        "nf_conntrack_tcp_timeout_fin_wait", "nf_conntrack_tcp_timeout_close_wait", "nf_conntrack_tcp_timeout_last_ack",
        "nf_conntrack_tcp_timeout_time_wait", "nf_conntrack_tcp_timeout_close", "nf_conntrack_tcp_timeout_max_retrans",
        "nf_conntrack_tcp_timeout_unacknowledged", "nf_conntrack_udp_timeout", "nf_conntrack_udp_timeout_stream",
        "nf_conntrack_icmp_timeout", "nf_conntrack_icmpv6_timeout", "nf_conntrack_generic_timeout",
        "nf_conntrack_sctp_timeout_established", "nf_conntrack_gre_timeout", "nf_conntrack_gre_timeout_stream",
    ];

    /// <summary>False when this kernel has no connection tracking (no /proc/sys/net/netfilter/nf_conntrack_max).</summary>
    public bool Available { get; private init; }

    public long? Count { get; private init; }

    /// <summary>nf_conntrack_max; 0 means no limit.</summary>
    public long? Max { get; private init; }

    public long? Buckets { get; private init; }

    /// <summary>True when nf_conntrack_max can be written here: the host's namespace.</summary>
    public bool MaxWritable { get; private init; }

    public IReadOnlyDictionary<string, long> TimeoutSeconds { get; private init; } = new Dictionary<string, long>();

    /// <summary>Reads the calling thread's namespace (call it from inside the namespace).</summary>
    public static ConntrackSettings Read()
    {
        using var reader = new ProcFileReader();
        long? max = ReadNumber(reader, "nf_conntrack_max");
        if (max is null) return new ConntrackSettings { Available = false };
        var timeouts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var name in TimeoutNames)
            if (ReadNumber(reader, name) is { } seconds) timeouts[name] = seconds;
        return new ConntrackSettings
        {
            Available = true,
            Count = ReadNumber(reader, "nf_conntrack_count"),
            Max = max,
            Buckets = ReadNumber(reader, "nf_conntrack_buckets"),
            MaxWritable = Writable(Directory + "nf_conntrack_max"),
            TimeoutSeconds = timeouts,
        };
    }

    private static long? ReadNumber(ProcFileReader reader, string name)
    {
        if (reader.Read(ProcFileReader.CurrentDirectory, Encoding.ASCII.GetBytes(Directory + name), out var content) != 0) return null;
        return ProcNumber.Parse(content, out long value) > 0 ? value : null;
    }

    private static unsafe bool Writable(string path)
    {
        // Outside the host's namespace the kernel makes the global sysctls read-only (mode 0444).
        Libc.Statx statx;
        return Libc.StatxPath(path, 0, Libc.STATX_MODE, &statx) == 0 && (statx.Mode & 0x80) != 0;
    }
}
