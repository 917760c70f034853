using System.Net;
using Diag.Linux.Captures;

namespace Diag.Linux.Toa.Text;

/// <summary>
/// The bytes of one packet's hex dump, read back into its IP and TCP headers. The dump starts at the IP
/// header (-x, -X) or at the link-layer header (-xx, -XX: Ethernet with VLAN tags, Linux cooked SLL
/// or SLL2), which the text does not name: each is tried, and the one whose IP addresses are the
/// ones the packet line printed is taken.
/// </summary>
internal sealed class HexDumpPacket
{
    /// <summary>Enough for the link layer, IPv6 extension headers and a full TCP header; payload is not needed.</summary>
    private const int Capacity = 1024;

    private static readonly int[] LinkTypes = [101 /* raw: -x */, 1 /* Ethernet */, 113 /* SLL */, 276 /* SLL2 */];

    private readonly byte[] _bytes = new byte[Capacity];

    /// <summary>Bytes read so far (capped at the capacity).</summary>
    public int Count { get; private set; }

    /// <summary>A line did not continue the dump (offset out of sequence, bad hex): the dump is not used.</summary>
    public bool Broken { get; private set; }

    public void Clear()
    {
        Count = 0;
        Broken = false;
    }

    /// <summary>Adds one hex-dump line (left-trimmed); false when the line is not well formed.</summary>
    public bool Add(ReadOnlySpan<char> trimmed)
    {
        if (Broken) return true;
        Span<byte> line = stackalloc byte[64];
        if (!HexDumpLine.TryRead(trimmed, out int offset, line, out int count))
        {
            Broken = true;
            return false;
        }
        if (offset == 0) Count = 0; // a new dump: the packet's first line
        else if (offset != Count)
        {
            if (Count < Capacity) Broken = true;
            return true;
        }
        int room = Math.Min(count, Capacity - Count);
        line[..room].CopyTo(_bytes.AsSpan(Count));
        Count += room;
        return true;
    }

    /// <summary>Finds the TCP header in the dump. Without <paramref name="final"/>, only a header whose
    /// options are all there counts (more lines may come); with it, what there is.</summary>
    public SegmentStatus TryParse(IPAddress? source, IPAddress? destination, bool final, out TcpSegment segment)
    {
        segment = default;
        var bytes = _bytes.AsSpan(0, Count);
        var result = SegmentStatus.Truncated;
        foreach (int linkType in LinkTypes)
        {
            int offset = LinkLayer.NetworkOffset(linkType, bytes);
            if (offset < 0) continue;
            var status = TcpSegmentParser.Parse(bytes[offset..], out var candidate);
            if (status == SegmentStatus.Tcp)
            {
                if (!Matches(candidate.SourceAddress, source) || !Matches(candidate.DestinationAddress, destination)) continue;
                bool complete = candidate.Options.Length == candidate.DeclaredOptionsLength;
                if (complete || final)
                {
                    segment = candidate;
                    return SegmentStatus.Tcp;
                }
            }
            else if (status != SegmentStatus.Truncated) continue;
            // Truncated, or options still coming: more lines may make it.
            result = SegmentStatus.Truncated;
        }
        return final ? SegmentStatus.Malformed : result;
    }

    private static bool Matches(ReadOnlySpan<byte> bytes, IPAddress? expected)
    {
        if (expected is null) return true;
        Span<byte> want = stackalloc byte[16];
        return expected.TryWriteBytes(want, out int written) && bytes.SequenceEqual(want[..written]);
    }
}
