using System.Text;
using Diag.Linux.Toa;
using Diag.Linux.Toa.Text;
using P = Diag.TestSupport.TestPackets;

namespace Diag.Linux.Tests.Toa;

/// <summary>
/// Random and mutated input, from a fixed seed so a failure repeats: the decoders never throw and
/// never hang, whatever the text or bytes.
/// </summary>
public class FuzzTests
{
    private const int Seed = 20240501;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private static readonly string[] Fragments =
    [
        "unknown-", "exp-", "opt-", "Unknown Option ", "options [", "]", ",", "<", ">", " > ", ": ", "0x", "tfo cookie ", "tfo cookiereq",
        "200", "254", "253", "252", "250", "249", "256", "99999999999", "30390a0a0101", "3039", "f989", "\t0x0000:  ", "\t0x0010:  ",
        "4500 0034", "6000 0000", "0800", "86dd", "fe08 3039", "IP ", "IP6 ", "fd00::5.40002", "10.0.0.1.80", "1.2.3.4", "::", ".",
        "2024-05-01 12:00:00.123456 ", "1714566896.123456 ", "    7  ", "  ", "\t", "\r", "\n", "-", "U", "[len 8]", "HBH ", "40009 > 443: ",
    ];

    [Fact]
    public void RandomAndMutatedTextNeverThrowsOrHangs()
    {
        var random = new Random(Seed);
        var real = RealLines();
        RunWithin(() =>
        {
            for (int round = 0; round < 1000; round++)
            {
                var decoder = new TcpdumpTextDecoder(round % 5 == 0 ? ToaKindMap.Default.With([new(28, [ToaVariant.Toa])]) : ToaKindMap.Default);
                var output = new List<object>();
                for (int i = 0; i < 60; i++)
                {
                    string line = random.Next(3) switch
                    {
                        0 => Mutate(real[random.Next(real.Count)], random),
                        1 => Compose(random),
                        _ => real[random.Next(real.Count)],
                    };
                    decoder.Push(line, output);
                }
                decoder.Complete(output);
                Assert.All(output, o => Assert.True(o is ToaRecord or ToaProblem or ToaNotice));
                foreach (var o in output) _ = o.ToString();
            }
        });
    }

    [Fact]
    public void RandomHexNeverThrows()
    {
        var random = new Random(Seed);
        RunWithin(() =>
        {
            for (int i = 0; i < 20000; i++)
            {
                var text = random.Next(2) == 0 ? Compose(random) : Convert.ToHexString(RandomBytes(random, random.Next(0, 50)));
                var result = ToaOptionInput.FromHex(text, ToaKindMap.Default, random.Next(4) == 0 ? random.Next(0, 300) : null);
                Assert.True(result is ToaRecord or ToaProblem);
                var bytes = RandomBytes(random, random.Next(0, 50));
                if (bytes.Length >= 2 && random.Next(2) == 0) bytes[1] = (byte)bytes.Length;
                Assert.True(ToaOptionInput.FromBytes(bytes, ToaKindMap.Default) is ToaRecord or ToaProblem);
            }
        });
    }

    [Fact]
    public void MutatedCaptureFilesNeverThrowOrHang()
    {
        var random = new Random(Seed);
        var captures = new[] { Capture(pcapng: false, bigEndian: false), Capture(pcapng: false, bigEndian: true), Capture(pcapng: true, bigEndian: false), Capture(pcapng: true, bigEndian: true) };
        RunWithin(() =>
        {
            for (int round = 0; round < 2000; round++)
            {
                var bytes = MutateBytes(captures[round % captures.Length], random);
                var reader = new ToaCaptureReader(ToaKindMap.Default);
                var items = reader.Read(new MemoryStream(bytes), "fuzz.pcap").ToList();
                Assert.All(items, o => Assert.True(o is ToaRecord or ToaProblem or ToaNotice or ToaReadProgress));
            }
            // Pure noise, with and without a capture's magic number in front.
            for (int round = 0; round < 200; round++)
            {
                var noise = RandomBytes(random, random.Next(0, 4096));
                if (round % 3 == 0 && noise.Length >= 4) captures[random.Next(captures.Length)].AsSpan(0, 4).CopyTo(noise);
                _ = new ToaCaptureReader(ToaKindMap.Default).Read(new MemoryStream(noise), "noise.pcap").ToList();
            }
        });
    }

    private static void RunWithin(Action action)
    {
        var task = Task.Run(action);
        Assert.True(task.Wait(Limit), $"did not finish within {Limit.TotalSeconds} s: a hang");
    }

    private static List<string> RealLines()
    {
        var lines = new List<string>
        {
            "... ack 1562404315, win 29, options [Unknown Option 20030390a0a0101], length 0",
            "12:00:00.000001 192.168.0.5.40000 > 10.0.0.2.1234: S 1:1(0) win 8192 <mss 1460,opt-200:30390a0a0101>",
            "22:13:21.123456 IP 192.168.0.5.40001 > 10.0.0.2.80: Flags [S], seq 1, win 8192, options [mss 1460,exp-3039], length 0",
            "\t0x0000:  4500 0034 0001 0000 4006 b014 c0a8 0005",
            "\t0x0010:  0a00 0002 9c41 0050 0000 0001 0000 0000",
            "\t0x0020:  8002 2000 0000 0000 0204 05b4 fe08 3039",
            "\t0x0030:  0a0a 0102",
            "12:00:00.000000 IP (tos 0x0, ttl 64, id 1, offset 0, flags [none], proto TCP (6), length 56)",
            "    192.168.0.5.40000 > 10.0.0.2.80: Flags [S], cksum 0x0000 (incorrect -> 0xdb8a), seq 1, win 8192, options [mss 1460,nop,nop,unknown-200 0x30390a0a0101,nop,nop], length 0",
            "12:00:13.580238 IP6 fd00::5 > fd00::2: HBH 40009 > 443: Flags [S], seq 1000, win 64240, options [unknown-200 0x30390a0a0108], length 0",
            "IP6 fd00::5.40006 > fd00::2.80: Flags [S], seq 1, win 8192, options [unknown-249 0x1a0a20010db80000000000000000000000070030390020010db8000000000000000000000008], length 0",
        };
        return lines;
    }

    private const string Alphabet = "0123456789abcdefxX:-[],<> .\t";

    private static string Mutate(string line, Random random)
    {
        var sb = new StringBuilder(line);
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits && sb.Length > 0; e++)
        {
            int at = random.Next(sb.Length);
            switch (random.Next(5))
            {
                case 0: sb.Remove(at, Math.Min(random.Next(1, 8), sb.Length - at)); break;
                case 1: sb.Insert(at, Fragments[random.Next(Fragments.Length)]); break;
                case 2: sb[at] = Alphabet[random.Next(Alphabet.Length)]; break;
                case 3: sb.Length = at; break;
                default: sb.Insert(at, (char)random.Next(0, 0x3000)); break;
            }
        }
        return sb.ToString();
    }

    private static string Compose(Random random)
    {
        var sb = new StringBuilder();
        int parts = random.Next(0, 20);
        for (int i = 0; i < parts; i++) sb.Append(Fragments[random.Next(Fragments.Length)]);
        return sb.ToString();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var b = new byte[length];
        random.NextBytes(b);
        return b;
    }

    private static byte[] Capture(bool pcapng, bool bigEndian)
    {
        var stream = new MemoryStream();
        var time = new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc);
        using (var w = pcapng ? CaptureWriter.Pcapng(stream, bigEndian) : CaptureWriter.Pcap(stream, CaptureWriter.Ethernet, bigEndian: bigEndian))
        {
            if (pcapng)
            {
                w.AddInterface(CaptureWriter.Ethernet);
                w.AddInterface(CaptureWriter.LinuxSll2, tsresol: 9);
            }
            var truth = ToaTruth.Packets();
            for (int i = 0; i < truth.Count; i++)
            {
                var ip = truth[i].Ip;
                if (pcapng && i % 2 == 1) w.Write(P.Sll2(ip), time, 1);
                else w.Write(P.Ethernet(ip, (ushort)i), time);
            }
            return stream.ToArray();
        }
    }

    private static byte[] MutateBytes(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        int edits = random.Next(1, 12);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.RemoveRange(at, bytes.Count - at); break;
                case 3: bytes.InsertRange(at, RandomBytes(random, random.Next(1, 40))); break;
                case 4: bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at)); break;
                default: // an extreme length field somewhere
                    for (int i = 0; i < 4 && at + i < bytes.Count; i++) bytes[at + i] = random.Next(2) == 0 ? (byte)0xff : (byte)0;
                    break;
            }
        }
        return [.. bytes];
    }
}
