using System.Globalization;
using System.Net;

namespace Diag.Linux.Toa.Text;

/// <summary>The TCP endpoints of a tcpdump line.</summary>
internal readonly record struct TextEndpoints(IPAddress? Source, int? SourcePort, IPAddress? Destination, int? DestinationPort, bool Names)
{
    private enum Token { None, AddressAndPort, Address, Port }

    /// <summary>
    /// Reads the endpoints from the <c>X &gt; Y:</c> pairs before <paramref name="limit"/> (the options):
    /// <c>10.0.0.1.40000 &gt; 10.0.0.2.80:</c> usually; with IPv6 extension headers tcpdump prints the
    /// addresses and the ports apart (<c>fd00::5 &gt; fd00::2: HBH 40009 &gt; 443:</c>). The last pair wins:
    /// with -e the link-layer addresses come first, in a tunnel the outer addresses. <see cref="Names"/>
    /// is set when tcpdump printed a host or port name (run without -nn).
    /// </summary>
    public static TextEndpoints Find(ReadOnlySpan<char> line, int limit, ServiceNames services)
    {
        var head = line[..Math.Clamp(limit, 0, line.Length)];
        TextEndpoints best = default;
        IPAddress? lastSource = null, lastDestination = null;
        int from = 0;
        while (true)
        {
            int hit = head[from..].IndexOf(" > ", StringComparison.Ordinal);
            if (hit < 0) return best;
            int at = from + hit;
            from = at + 3;
            int rightEnd = head[from..].IndexOf(' ');
            var right = rightEnd < 0 ? head[from..] : head.Slice(from, rightEnd);
            if (right.Length < 2 || right[^1] != ':') continue;
            var left = head[(head[..at].LastIndexOf(' ') + 1)..at];
            var l = Read(left, services, out var leftAddress, out var leftPort, out bool leftNamed);
            var r = Read(right[..^1], services, out var rightAddress, out var rightPort, out bool rightNamed);
            if (l != r || l == Token.None) continue;
            switch (l)
            {
                case Token.AddressAndPort:
                    best = new TextEndpoints(leftAddress, leftPort, rightAddress, rightPort, leftNamed || rightNamed);
                    break;
                case Token.Address:
                    (lastSource, lastDestination) = (leftAddress, rightAddress);
                    break;
                case Token.Port:
                    best = new TextEndpoints(lastSource, leftPort, lastDestination, rightPort, false);
                    break;
            }
        }
    }

    /// <summary>"10.0.0.1.80", "fd00::1.443", "lb1.example.com.http": address and port split at the last dot;
    /// "10.0.0.1", "fd00::1": an address alone; "443": a port alone.</summary>
    private static Token Read(ReadOnlySpan<char> text, ServiceNames services, out IPAddress? address, out int? port, out bool named)
    {
        address = null;
        port = null;
        named = false;
        if (text.IsEmpty) return Token.None;
        if (IsPort(text, out int alone))
        {
            port = alone;
            return Token.Port;
        }
        if (IsAddress(text, out address)) return Token.Address;
        int dot = text.LastIndexOf('.');
        if (dot <= 0 || dot == text.Length - 1) return Token.None;
        var host = text[..dot];
        var service = text[(dot + 1)..];
        if (IsPort(service, out int number)) port = number;
        else if (services.TryGetPort(service, out number)) { port = number; named = true; }
        else named = true;
        if (!IsAddress(host, out address)) named = true;
        return Token.AddressAndPort;
    }

    private static bool IsPort(ReadOnlySpan<char> text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    /// <summary>IPv4 in dotted quad only (IPAddress.TryParse also takes "1.2.3" and "1.2"), or IPv6.</summary>
    private static bool IsAddress(ReadOnlySpan<char> text, out IPAddress? address)
    {
        address = null;
        bool v6 = text.Contains(':');
        if (!v6 && text.Count('.') != 3) return false;
        return IPAddress.TryParse(text, out address);
    }
}
