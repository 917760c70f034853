using System.Globalization;
using System.Text;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// The kernel's own drop counters, read at the start and the end of a summary's interval: per namespace from
/// /proc/net/snmp and /proc/net/netstat ("Group: names" then "Group: values" line pairs), /proc/net/snmp6 ("Name value"
/// lines) and /proc/net/stat/nf_conntrack; for the machine, /proc/net/softnet_stat (one hexadecimal row per CPU, the
/// second column the input-queue drops). Each counter names the reasons it corresponds to, so that both views can be
/// set side by side.
/// </summary>
internal sealed class KernelDropCounters
{
    /// <summary>(file, group, name, what it compares with). Group "" for snmp6's self-describing names.</summary>
    internal static readonly (string File, string Group, string Name, string ComparesWith)[] Known =
    [
        ("netstat", "TcpExt", "ListenOverflows", "TCP_LISTEN_OVERFLOW (AcceptQueueFull); also counts SYNs refused while the accept queue was full, which the kernel frees without a drop reason"),
        ("netstat", "TcpExt", "ListenDrops", "every drop at a listener: ListenOverflows plus SYN queue and other listener drops"),
        ("netstat", "TcpExt", "TCPBacklogDrop", "SOCKET_BACKLOG (SocketBacklogFull)"),
        ("netstat", "TcpExt", "TCPReqQFullDrop", "SYNs dropped for a full SYN queue without syncookies (freed without a drop reason)"),
        ("netstat", "TcpExt", "TCPRcvQDrop", "SOCKET_RCVBUFF and PROTO_MEM on TCP (ReceiveBufferFull)"),
        ("netstat", "TcpExt", "TCPZeroWindowDrop", "TCP_ZEROWINDOW"),
        ("netstat", "TcpExt", "TCPOFODrop", "TCP_OFO_DROP"),
        ("netstat", "TcpExt", "TCPMinTTLDrop", "TCP_MINTTL"),
        ("netstat", "TcpExt", "PAWSEstabRejected", "TCP_RFC7323_PAWS"),
        ("netstat", "IpExt", "InNoRoutes", "IP_INNOROUTES"),
        ("netstat", "IpExt", "InCsumErrors", "IP_CSUM (BadChecksum)"),
        ("snmp", "Ip", "InHdrErrors", "IP_INHDR"),
        ("snmp", "Ip", "InAddrErrors", "IP_INADDRERRORS, OTHERHOST"),
        ("snmp", "Ip", "InUnknownProtos", "IP_NOPROTO"),
        ("snmp", "Ip", "InDiscards", "IPv4 input discards (IP_NOPROTO, IP_RPFILTER and others)"),
        ("snmp", "Ip", "OutDiscards", "IPv4 output discards (NETFILTER_DROP on output is not counted here)"),
        ("snmp", "Ip", "OutNoRoutes", "IP_OUTNOROUTES"),
        ("snmp", "Ip", "ReasmFails", "FRAG_REASM_TIMEOUT, DUP_FRAG, FRAG_TOO_FAR"),
        ("snmp", "Tcp", "InErrs", "TCP segments with errors (TCP_CSUM, TCP_FLAGS...)"),
        ("snmp", "Tcp", "InCsumErrors", "TCP_CSUM (BadChecksum)"),
        ("snmp", "Tcp", "OutRsts", "resets sent: one per TCP NO_SOCKET (ClosedPort), and others"),
        ("snmp", "Udp", "NoPorts", "UDP NO_SOCKET (ClosedPort)"),
        ("snmp", "Udp", "InErrors", "UDP input errors (SOCKET_RCVBUFF, UDP_CSUM...)"),
        ("snmp", "Udp", "RcvbufErrors", "UDP SOCKET_RCVBUFF (ReceiveBufferFull)"),
        ("snmp", "Udp", "InCsumErrors", "UDP_CSUM (BadChecksum)"),
        ("snmp6", "", "Ip6InHdrErrors", "IPv6 IP_INHDR"),
        ("snmp6", "", "Ip6InAddrErrors", "IPv6 IP_INADDRERRORS"),
        ("snmp6", "", "Ip6InNoRoutes", "IPv6 IP_INNOROUTES"),
        ("snmp6", "", "Ip6InUnknownProtos", "IPv6 IP_NOPROTO"),
        ("snmp6", "", "Ip6InDiscards", "IPv6 input discards"),
        ("snmp6", "", "Ip6OutDiscards", "IPv6 output discards"),
        ("snmp6", "", "Ip6OutNoRoutes", "IPv6 IP_OUTNOROUTES"),
        ("snmp6", "", "Udp6NoPorts", "UDP over IPv6 NO_SOCKET (ClosedPort)"),
        ("snmp6", "", "Udp6RcvbufErrors", "UDP over IPv6 SOCKET_RCVBUFF"),
        ("snmp6", "", "Udp6InCsumErrors", "UDP over IPv6 UDP_CSUM"),
        ("stat/nf_conntrack", "nf_conntrack", "drop", "NETFILTER_DROP by conntrack: ConntrackFull plus ConntrackInsertFailed"),
        ("stat/nf_conntrack", "nf_conntrack", "early_drop", "entries conntrack evicted to make room for new ones (no packet dropped)"),
        ("stat/nf_conntrack", "nf_conntrack", "insert_failed", "ConntrackInsertFailed (not every insert failure drops the packet)"),
    ];

    private static readonly string[] Files = ["snmp", "netstat", "snmp6", "stat/nf_conntrack"];
    private const string SoftnetComparesWith = "CPU_BACKLOG (CpuBacklogFull), machine-wide";

    private readonly NamespaceDirectory _namespaces;
    private readonly Dictionary<uint, Dictionary<string, long>> _start = new();
    private long? _softnetStart;

    public KernelDropCounters(NamespaceDirectory namespaces) => _namespaces = namespaces;

    /// <summary>Reads the counters of <paramref name="namespaces"/> (and the machine's) as the interval's start.</summary>
    public void Start(IEnumerable<uint> namespaces)
    {
        _start.Clear();
        foreach (var ns in namespaces.Distinct())
            _start[ns] = Read(ns);
        _softnetStart = ReadSoftnetDropped();
    }

    /// <summary>The namespaces read at the start.</summary>
    public IReadOnlyCollection<uint> Namespaces => _start.Keys;

    /// <summary>What rose since <see cref="Start"/>, then the end becomes the next interval's start.</summary>
    public List<PacketDropCounter> Increases(TimeSpan interval)
    {
        var rows = new List<PacketDropCounter>();
        foreach (var (ns, before) in _start.ToArray())
        {
            var now = Read(ns);
            var name = _namespaces.NameOf(ns);
            foreach (var known in Known)
            {
                var key = known.Group + ":" + known.Name;
                if (now.TryGetValue(key, out var after) && before.TryGetValue(key, out var then) && after > then)
                    rows.Add(new PacketDropCounter(ns, name, known.Group.Length == 0 ? known.Name : key, after - then, interval, known.ComparesWith));
            }
            _start[ns] = now;
        }
        var softnet = ReadSoftnetDropped();
        if (softnet is { } end && _softnetStart is { } start && end > start)
            rows.Add(new PacketDropCounter(null, null, "softnet:dropped", end - start, interval, SoftnetComparesWith));
        _softnetStart = softnet;
        return rows;
    }

    /// <summary>The counters of one namespace, by "Group:Name".</summary>
    internal Dictionary<string, long> Read(uint ns)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        var contents = _namespaces.ReadProcNet(ns, Files);
        for (var i = 0; i < Files.Length; i++)
        {
            if (contents[i] is not { } bytes)
                continue;
            var text = Encoding.ASCII.GetString(bytes);
            switch (Files[i])
            {
                case "snmp" or "netstat":
                    ParsePairs(text, values);
                    break;
                case "snmp6":
                    foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                            values[":" + parts[0]] = v;
                    }
                    break;
                default:
                    if (ConntrackTable.Parse(text, null, DateTime.Now) is { } table)
                    {
                        values["nf_conntrack:drop"] = table.Drops;
                        values["nf_conntrack:early_drop"] = table.EarlyDrops;
                        values["nf_conntrack:insert_failed"] = table.InsertFailures;
                    }
                    break;
            }
        }
        return values;
    }

    /// <summary>"Tcp: RtoAlgorithm RtoMin ..." followed by "Tcp: 1 200 ...".</summary>
    internal static void ParsePairs(string text, Dictionary<string, long> values)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            var names = lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var numbers = lines[i + 1].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (names.Length == 0 || numbers.Length != names.Length || names[0] != numbers[0])
                continue;
            var group = names[0].TrimEnd(':');
            for (var j = 1; j < names.Length; j++)
                if (long.TryParse(numbers[j], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                    values[group + ":" + names[j]] = v;
        }
    }

    /// <summary>The sum of softnet_stat's second column over the CPUs.</summary>
    internal static long? ReadSoftnetDropped()
    {
        try
        {
            long sum = 0;
            foreach (var line in File.ReadLines("/proc/net/softnet_stat"))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 1 && long.TryParse(columns[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var dropped))
                    sum += dropped;
            }
            return sum;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
