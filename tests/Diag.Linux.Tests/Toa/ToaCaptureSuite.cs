using System.Net;
using P = Diag.TestSupport.TestPackets;

namespace Diag.Linux.Tests.Toa;

/// <summary>
/// Every capture the TOA tests build, written once per test run into a directory of its own (its name
/// carries the process id; deleted at dispose): the truth captures in each format, an AccECN handshake, options
/// cut by the snapshot length, payload that reads like packets and options, files of odd versions and records
/// longer than the snapshot length. The installed tcpdump reads each of them (the agreement tests compare its
/// text, in many modes, with what -Path reads).
/// </summary>
public sealed class ToaCaptureSuite : IDisposable
{
    public static readonly string[] Names =
    [
        "truth-pcap", "truth-pcapng-vlan", "truth-sll2", "accecn", "cut-options", "payload-like-packets", "pcap-2.2-lengths-swapped",
        "pcap-543.0", "pcapng-1.2", "records-past-snaplen",
    ];

    private static readonly DateTime Start = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly IPAddress Lb = IPAddress.Parse("192.168.0.5"), Rs = IPAddress.Parse("10.0.0.2");
    private static readonly IPAddress Lb6 = IPAddress.Parse("fd00::5"), Rs6 = IPAddress.Parse("fd00::2");

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"diag-toa-suite-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly Dictionary<string, string> _paths = new();

    public ToaCaptureSuite()
    {
        Directory.CreateDirectory(_directory);
        foreach (var name in Names) _paths[name] = Build(name);
    }

    public string PathOf(string name) => _paths[name];

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private string Build(string name)
    {
        var path = Path.Combine(_directory, name + (name.Contains("pcapng") || name.Contains("vlan") || name.Contains("sll2") ? ".pcapng" : ".pcap"));
        using var stream = File.Create(path);
        var truth = ToaTruth.Packets();
        switch (name)
        {
            case "truth-pcap":
                using (var w = CaptureWriter.Pcap(stream, CaptureWriter.Ethernet))
                    foreach (var p in truth) w.Write(P.Ethernet(p.Ip), p.Time);
                break;
            case "truth-pcapng-vlan":
                using (var w = CaptureWriter.Pcapng(stream))
                {
                    w.AddInterface(CaptureWriter.Ethernet);
                    w.AddInterface(CaptureWriter.Ethernet, tsresol: 9);
                    for (int i = 0; i < truth.Count; i++)
                        w.Write(P.Ethernet(truth[i].Ip, (i % 3) switch { 0 => [100], 1 => [100, 200], _ => [] }), truth[i].Time, i % 2);
                }
                break;
            case "truth-sll2":
                using (var w = CaptureWriter.Pcapng(stream))
                {
                    w.AddInterface(CaptureWriter.LinuxSll2);
                    foreach (var p in truth) w.Write(P.Sll2(p.Ip), p.Time);
                }
                break;
            case "accecn":
                using (var w = CaptureWriter.Pcap(stream, CaptureWriter.Ethernet))
                    foreach (var (ip, i) in AccEcnPackets().Select((p, i) => (p, i))) w.Write(P.Ethernet(ip), Start.AddMilliseconds(i));
                break;
            case "cut-options":
                using (var w = CaptureWriter.Pcap(stream, CaptureWriter.Ethernet, snaplen: 62))
                    foreach (var (frame, cut) in CutPackets()) w.Write(frame, Start, capturedLength: cut);
                break;
            case "payload-like-packets":
                using (var w = CaptureWriter.Pcap(stream, CaptureWriter.Ethernet))
                    foreach (var (ip, i) in PayloadPackets().Select((p, i) => (p, i))) w.Write(P.Ethernet(ip), Start.AddSeconds(i));
                break;
            case "pcap-2.2-lengths-swapped":
            case "pcap-543.0":
                // Old files put the original length first; the TOA packets are cut short (snaplen 70) but keep their options.
                using (var w = name == "pcap-543.0" ? CaptureWriter.Pcap(stream, CaptureWriter.Ethernet, snaplen: 70, major: 543, minor: 0)
                                                     : CaptureWriter.Pcap(stream, CaptureWriter.Ethernet, snaplen: 70, major: 2, minor: 2))
                {
                    foreach (var p in truth)
                    {
                        var frame = P.Ethernet(p.Ip);
                        w.Write(frame, p.Time, capturedLength: 70);
                    }
                }
                break;
            case "pcapng-1.2":
                using (var w = CaptureWriter.Pcapng(stream, minor: 2))
                {
                    w.AddInterface(CaptureWriter.Ethernet);
                    foreach (var p in truth) w.Write(P.Ethernet(p.Ip), p.Time);
                }
                break;
            case "records-past-snaplen":
                using (var w = CaptureWriter.Pcap(stream, CaptureWriter.Ethernet, snaplen: 70))
                {
                    foreach (var (frame, captured, original) in PastSnaplenRecords())
                        w.Record(frame, Start, captured, original);
                }
                break;
            default:
                throw new ArgumentException(name);
        }
        return path;
    }

    /// <summary>An AccECN handshake as tcpdump's accecn_handshake.pcap has it (the experiment's 13-byte option with
    /// ExID 0xACC0 on the SYN-ACK and the ACK), between TOA packets of a balancer; TCP Fast Open's cookie request,
    /// an 8-byte cookie and SMC-R's 32-bit id on kind 254; and a kind-254 TOA whose client port happens to be 0xacc0.</summary>
    public static List<byte[]> AccEcnPackets() =>
    [
        P.Tcp(Lb, 40000, Rs, 80, [.. P.Mss1460, .. P.Toa(254, 12345, IPAddress.Parse("10.10.1.1"))]),
        P.Tcp(Lb, 16433, Rs, 80, [.. P.Mss1460, .. P.Nop, 3, 3, 6, .. P.SackOk], flags: P.Syn | P.Ece | P.Cwr, reservedFlags: P.Ae),
        P.Tcp(Rs, 80, Lb, 16433, [.. P.Mss1460, .. P.SackOk, .. P.AccEcn(0, 1, 0), 3, 3, 7], flags: P.Syn | P.Ack),
        P.Tcp(Lb, 16433, Rs, 80, [.. P.Nop, .. P.Nop, .. P.AccEcn(0, 0xff, 0xffffff)], flags: P.Ack),
        P.Tcp(Lb, 16433, Rs, 80, [.. P.Nop, .. P.Nop, .. P.AccEcn(5, 0, 0)], flags: P.Ack | P.Psh, payload: "GET /1M HTTP/1.1\r\n\r\n"u8.ToArray()),
        P.Tcp(Lb, 40001, Rs, 80, [.. P.Mss1460, .. P.Experiment(0xf989)]),                              // TFO cookie request
        P.Tcp(Lb, 40002, Rs, 80, [.. P.Mss1460, .. P.Experiment(0xf989, data: [1, 2, 3, 4, 5, 6, 7, 8])]), // TFO 8-byte cookie
        P.Tcp(Lb, 40003, Rs, 80, [.. P.Mss1460, .. P.Experiment(0xe2d4c3d9, id32: true)]),             // SMC-R
        P.Tcp(Lb, 40004, Rs, 80, [.. P.Mss1460, .. P.Toa(254, 0xacc0, IPAddress.Parse("10.10.1.4"))]),   // a TOA, port 44224
        P.Tcp(Lb6, 40005, Rs6, 443, [.. P.Toa(254, 443, IPAddress.Parse("2001:db8::5")), .. P.AccEcn(1, 2, 3)]),
    ];

    /// <summary>Options cut by a 62-byte snapshot length: inside a kind-200 TOA's data, before a kind-254 TOA's
    /// experiment id, and after two NOPs; then a packet that fits.</summary>
    public static List<(byte[] Frame, int Cut)> CutPackets() =>
    [
        (P.Ethernet(P.Tcp(Lb, 40000, Rs, 80, [.. P.Mss1460, .. P.Toa(200, 12345, IPAddress.Parse("10.10.1.1"))])), 62),
        (P.Ethernet(P.Tcp(Lb, 40001, Rs, 80, [.. P.Mss1460, .. P.Toa(254, 12346, IPAddress.Parse("10.10.1.2"))])), 60),
        (P.Ethernet(P.Tcp(Lb, 40002, Rs, 80, [.. P.Mss1460, .. P.Nop, .. P.Nop, .. P.Toa(254, 12347, IPAddress.Parse("10.10.1.3"))])), 60),
        (P.Ethernet(P.Tcp(Lb, 40003, Rs, 80, P.Toa(200, 12348, IPAddress.Parse("10.10.1.8")))), 62),
    ];

    /// <summary>HTTP payload that reads like tcpdump's own lines: an option at the start of a line, a whole packet
    /// line with a TOA in it, an indented option, a line that starts like an IP header, blank lines; between TOA packets.</summary>
    public static List<byte[]> PayloadPackets()
    {
        var mimic = "GET / HTTP/1.1\r\nX: exp-beef,\r\nexp-beef, unknown-200 0x30390a0a0109\r\n" +
                    "12:00:00.000000 IP 1.1.1.1.5 > 2.2.2.2.80: Flags [S], seq 1, win 8192, options [unknown-200 0x30390a0a0101], length 0\r\n" +
                    "    1  12:00:00.000000 IP 1.1.1.1.6 > 2.2.2.2.80: Flags [S], options [unknown-254 0x30390a0a0102], length 0\r\n" +
                    "\tunknown-200 0x30390a0a0103\r\n\t0x0000:  4500 0034 0001 0000 4006 b014 0101 0101\r\nE..4..@.@.\r\n\r\n";
        return
        [
            P.Tcp(Lb, 40000, Rs, 80, [.. P.Mss1460, .. P.Toa(200, 12345, IPAddress.Parse("10.10.1.1"))]),
            P.Tcp(Lb, 40000, Rs, 80, [], flags: P.Ack | P.Psh, payload: System.Text.Encoding.ASCII.GetBytes(mimic)),
            P.Tcp(Lb, 40001, Rs, 80, [.. P.Mss1460, .. P.Toa(254, 12346, IPAddress.Parse("10.10.1.2"))]),
            P.Tcp(Lb6, 40002, Rs6, 80, [], flags: P.Ack | P.Psh, payload: System.Text.Encoding.ASCII.GetBytes("`\n" + mimic.Replace("\r\n", "\n"))),
            P.Tcp(Lb6, 40003, Rs6, 80, P.Toa(253, 444, IPAddress.Parse("2001:db8::98"))),
            P.Tcp(Lb, 40004, Rs, 80, [.. P.Toa(254, 12347, IPAddress.Parse("10.10.1.4")), .. P.Toa(250, 80, IPAddress.Parse("1.2.3.4"))]),
        ];
    }

    /// <summary>Records in a file of snapshot length 70: longer than it but within their original length (cut to 70 as
    /// libpcap cuts them: the first keeps its TOA, the second loses it), a record claiming more than its original length, and a plain one.</summary>
    public static List<(byte[] Frame, uint Captured, uint Original)> PastSnaplenRecords()
    {
        var early = P.Ethernet(P.Tcp(Lb, 40000, Rs, 80, [.. P.Mss1460, .. P.Toa(200, 12345, IPAddress.Parse("10.10.1.1"))], flags: P.Ack | P.Psh, payload: new byte[60]));
        var late = P.Ethernet(P.Tcp(Lb, 40001, Rs, 80, [.. P.Mss1460, .. P.SackOk, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, .. P.Nop, .. P.Nop, .. P.Toa(200, 12346, IPAddress.Parse("10.10.1.2"))], flags: P.Ack | P.Psh, payload: new byte[60]));
        var claims = P.Ethernet(P.Tcp(Lb, 40002, Rs, 80, P.Toa(200, 12347, IPAddress.Parse("10.10.1.3"))));
        var plain = P.Ethernet(P.Tcp(Lb, 40003, Rs, 80, P.Toa(254, 12348, IPAddress.Parse("10.10.1.8"))));
        return
        [
            (early, (uint)early.Length, (uint)early.Length),
            (late, (uint)late.Length, (uint)late.Length),
            (claims, (uint)claims.Length, (uint)claims.Length - 10),
            (plain, (uint)plain.Length, (uint)plain.Length),
        ];
    }
}
