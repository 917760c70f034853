namespace Diag.Linux.Toa.Text;

/// <summary>
/// The lines of the packet being read, up to its TCP line (the packet line, and the -v lines that continue
/// it), kept as references into the input; what they say about the packet is worked out only when it is
/// needed (-A text, -v payload), so that plain text costs no extra pass over each line.
/// </summary>
internal sealed class PacketLines
{
    private const int Kept = 8;

    private readonly List<(string Text, int Start, int Length)> _lines = new();
    private bool _known;
    private bool _ip, _ipv6, _udp, _cut, _tcpLine;
    private long? _ipLength, _payload;

    public void Clear()
    {
        _lines.Clear();
        _known = false;
    }

    public void Add(string text, int start, int length)
    {
        if (_lines.Count < Kept) _lines.Add((text, start, length));
        _known = false;
    }

    /// <summary>True when a line so far is the TCP line (<c>Flags [</c>): the indented lines after it are payload.</summary>
    public bool HasTcpLine => Facts()._tcpLine;

    /// <summary>True for an IPv4 or IPv6 packet (<c>IP </c>, <c>IP6 </c>; with -e, <c>ethertype IPv4</c>).</summary>
    public bool IsIp => Facts()._ip;

    public bool IsIpv6 => Facts()._ipv6;

    /// <summary>The bytes the lines announced, which the packet's -A dump holds unless the capture cut it: the IP
    /// length of -v, else minimal IP and TCP or UDP headers and the payload length; 0 when unknown or cut
    /// (tcpdump's [|tcp], [|ip]…), or as far as a known snapshot length allows.</summary>
    public long ExpectedDumpBytes(long? snapshotLength)
    {
        var f = Facts();
        if (f._cut) return 0;
        long expected = f._ipLength ?? (f._payload is { } n ? (f._ipv6 ? 40 : 20) + (f._udp ? 8 : 20) + n : 0);
        // The snapshot length counts from the link-layer header, which -A leaves out.
        if (snapshotLength is { } snap) expected = Math.Min(expected, Math.Max(0, snap - 24));
        return expected;
    }

    private PacketLines Facts()
    {
        if (_known) return this;
        _ip = _ipv6 = _udp = _cut = _tcpLine = false;
        _ipLength = _payload = null;
        foreach (var (text, start, length) in _lines)
        {
            var line = text.AsSpan(start, length);
            _ipv6 |= line.Contains("IP6 ", StringComparison.Ordinal) || line.Contains("ethertype IPv6", StringComparison.Ordinal);
            _ip |= _ipv6 || line.Contains("IP ", StringComparison.Ordinal) || line.Contains("ethertype IPv4", StringComparison.Ordinal);
            _tcpLine |= line.Contains("Flags [", StringComparison.Ordinal);
            _cut |= line.Contains("[|", StringComparison.Ordinal); // nd_print_trunc: " [|tcp]", " [|ip]"…
            _ipLength ??= AnnouncedLength.IpPacket(line);
            if (_payload is null)
            {
                _payload = AnnouncedLength.TransportPayload(line, out bool udp);
                _udp = udp;
            }
        }
        _known = true;
        return this;
    }
}
