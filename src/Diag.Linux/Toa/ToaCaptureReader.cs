using System.Globalization;
using System.Net;
using Diag.Linux.Captures;

namespace Diag.Linux.Toa;

/// <summary>
/// Reads the TOAs of a pcap or pcapng file: every packet's link-layer header, IP header (IPv6
/// extension headers included) and TCP options, natively (no libpcap). Yields <see cref="ToaRecord"/>s,
/// a <see cref="ToaProblem"/> for each damaged part of the file (reading goes on after it where it can),
/// <see cref="ToaNotice"/>s, and a <see cref="ToaReadProgress"/> tick every few thousand packets without a TOA.
/// </summary>
public sealed class ToaCaptureReader
{
    private const int CheckEvery = 4096;

    private readonly ToaKindMap _map;
    private readonly List<ToaOption> _options = new();
    private readonly List<BadToa> _bad = new();
    private readonly List<object> _output = new();
    private readonly HashSet<int> _reportedLinkTypes = new();
    private readonly ToaReadProgress _progress;
    private string _path = "";
    private long _cutPackets;

    public ToaCaptureReader(ToaKindMap map)
    {
        _map = map;
        _progress = new ToaReadProgress(this);
    }

    /// <summary>Bytes of the current file read so far, for progress.</summary>
    public long Position { get; private set; }

    /// <summary>Size of the current file.</summary>
    public long Length { get; private set; }

    /// <summary>Packets read so far from the current file.</summary>
    public long Packets { get; private set; }

    /// <summary>Reads one file to its end, or until <paramref name="cancel"/> is set.</summary>
    public IEnumerable<object> Read(string path, CancellationToken cancel = default)
    {
        Stream? stream = null;
        ToaProblem? failure = null;
        try
        {
            // Sequential, large reads: the page cache does the rest.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = new ToaProblem { Kind = ToaProblemKind.ReadFailed, Path = path, Message = $"{path}: {e.Message}" };
        }
        return failure is null ? Read(stream!, path, cancel) : [failure];
    }

    /// <summary>Reads a capture from a stream (which it disposes); <paramref name="name"/> is how records and problems name it.</summary>
    internal IEnumerable<object> Read(Stream stream, string name, CancellationToken cancel = default)
    {
        _path = name;
        _reportedLinkTypes.Clear();
        _cutPackets = 0;
        Packets = 0;
        Position = 0;
        ICaptureReader? reader = null;
        ToaProblem? failure = null;
        try
        {
            Length = stream.CanSeek ? stream.Length : 0;
            reader = CaptureFile.Open(stream, out string? notACapture);
            if (reader is null)
                failure = new ToaProblem { Kind = ToaProblemKind.UnknownCaptureFormat, Path = name, Message = $"{name}: {notACapture}." };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            failure = new ToaProblem { Kind = ToaProblemKind.ReadFailed, Path = name, Message = $"{name}: {e.Message}" };
        }
        if (failure is not null)
        {
            yield return failure;
            yield break;
        }

        using (reader)
        {
            bool more = true;
            while (more && !cancel.IsCancellationRequested)
            {
                try
                {
                    more = ReadSome(reader!);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _output.Add(new ToaProblem { Kind = ToaProblemKind.ReadFailed, Path = name, Message = $"{name}: reading stopped after packet {Packets}: {e.Message}" });
                    more = false;
                }
                if (_output.Count == 0 && more)
                {
                    yield return _progress; // a tick, so that the caller can show progress and stop between TOAs
                    continue;
                }
                foreach (var item in _output) yield return item;
                _output.Clear();
            }
        }
        if (_cutPackets > 0)
        {
            yield return new ToaNotice
            {
                Kind = ToaNoticeKind.OptionsCut,
                Message = $"{name}: {_cutPackets.ToString(CultureInfo.InvariantCulture)} packet(s) were captured too short to hold their whole TCP options, " +
                          "so a TOA in them may be missing. Capture with the default snapshot length (tcpdump -s 0), or at least -s 200.",
            };
        }
    }

    /// <summary>Reads up to <see cref="CheckEvery"/> packets into _output; false at the end of the file.</summary>
    private bool ReadSome(ICaptureReader reader)
    {
        for (int i = 0; i < CheckEvery; i++)
        {
            var result = reader.Next(out var packet, out var damage);
            if (result == CaptureReadResult.End) return false;
            if (result == CaptureReadResult.Problem)
            {
                _output.Add(new ToaProblem
                {
                    Kind = damage!.Truncated ? ToaProblemKind.TruncatedCapture : ToaProblemKind.CorruptCapture,
                    Path = _path, FileOffset = damage.FileOffset, PacketNumber = damage.PacketNumber,
                    Message = $"{_path}: {damage.Message}.",
                });
                continue;
            }
            Packets = packet.Number;
            Position = packet.FileOffset;
            Decode(ref packet);
            if (_output.Count > 0) return true; // hand over what was found: a slow consumer must not wait for a batch
        }
        return true;
    }

    private void Decode(ref CapturedPacket packet)
    {
        int offset = LinkLayer.NetworkOffset(packet.LinkType, packet.Frame);
        if (offset < 0)
        {
            if (offset == LinkLayer.UnsupportedLinkType && _reportedLinkTypes.Add(packet.LinkType))
            {
                _output.Add(new ToaProblem
                {
                    Kind = ToaProblemKind.UnsupportedLinkType, Path = _path, FileOffset = packet.FileOffset, PacketNumber = packet.Number,
                    Message = $"{_path}: packet {packet.Number} was captured on a link of type {LinkLayer.Name(packet.LinkType)}, which is not read here; " +
                              "packets of that link type are skipped.",
                });
            }
            return;
        }
        if (TcpSegmentParser.Parse(packet.Frame[offset..], out var segment) != SegmentStatus.Tcp || segment.DeclaredOptionsLength == 0) return;

        _options.Clear();
        _bad.Clear();
        if (TcpOptionWalker.Walk(segment.Options, segment.DeclaredOptionsLength, _map, _options, _bad)) _cutPackets++;
        foreach (var bad in _bad)
        {
            if (bad.Cut) continue; // counted in the notice
            _output.Add(new ToaProblem
            {
                Kind = ToaProblemKind.WrongLength, Path = _path, FileOffset = packet.FileOffset, PacketNumber = packet.Number,
                Message = $"{_path}, packet {packet.Number} at offset {packet.FileOffset}: {ToaRecordBuilder.Describe(bad, _map)}.",
            });
        }
        if (_options.Count == 0) return;

        var context = new PacketContext(
            ToLocalTime(packet.UnixTicks),
            new IPAddress(segment.SourceAddress), segment.SourcePort,
            new IPAddress(segment.DestinationAddress), segment.DestinationPort,
            LineNumber: null, _path, packet.Number);
        ToaRecordBuilder.Add(context, _options, _output);
    }

    private static DateTime? ToLocalTime(long? unixTicks) =>
        unixTicks is { } t && t <= DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks
            ? new DateTime(DateTime.UnixEpoch.Ticks + t, DateTimeKind.Utc).ToLocalTime()
            : null;
}
