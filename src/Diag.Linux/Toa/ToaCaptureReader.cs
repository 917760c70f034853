using System.Globalization;
using System.Net;
using Diag.Linux.Captures;

namespace Diag.Linux.Toa;

/// <summary>
/// Reads the TOAs of a pcap or pcapng file: every packet's link-layer header, IP header (IPv6
/// extension headers included) and TCP options, natively (no libpcap). Yields <see cref="ToaRecord"/>s,
/// a <see cref="ToaProblem"/> for each damaged part of the file (reading goes on after it where it can),
/// <see cref="ToaNotice"/>s, and a <see cref="ToaReadProgress"/> tick every few thousand packets without a TOA
/// and while a FIFO waits for its writer. A FIFO (<c>tcpdump -U -w FIFO</c>) is read live until its writer
/// closes it; the token and the time limit end any wait.
/// </summary>
public sealed class ToaCaptureReader
{
    private const int CheckEvery = 4096;

    private readonly ToaKindMap _map;
    private readonly OptionScan _scan = new();
    private readonly List<object> _output = new();
    private readonly HashSet<int> _reportedLinkTypes = new();
    private readonly HashSet<uint> _reportedExperiments = new();
    private readonly ToaReadProgress _progress;
    private string _path = "";
    private long _cutPackets;
    private PipeReadStream? _pipe;

    public ToaCaptureReader(ToaKindMap map)
    {
        _map = map;
        _progress = new ToaReadProgress(this);
    }

    /// <summary>Bytes of the current file read so far, for progress.</summary>
    public long Position { get; private set; }

    /// <summary>Size of the current file (0 for a FIFO).</summary>
    public long Length { get; private set; }

    /// <summary>Packets read so far from the current file.</summary>
    public long Packets { get; private set; }

    /// <summary>True while the input is a FIFO that no program has written to yet.</summary>
    public bool WaitingForWriter { get; private set; }

    /// <summary>Reads one file to its end, until <paramref name="cancel"/> is set, or until <paramref name="timeLimit"/> has passed.</summary>
    public IEnumerable<object> Read(string path, CancellationToken cancel = default, TimeSpan? timeLimit = null)
    {
        Stream? stream = null;
        ToaProblem? failure = null;
        try
        {
            stream = CaptureInput.Open(path, cancel, timeLimit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = new ToaProblem { Kind = ToaProblemKind.ReadFailed, Path = path, Message = $"{path}: {e.Message}" };
        }
        return failure is null ? Read(stream!, path, cancel, timeLimit) : [failure];
    }

    /// <summary>Reads a capture from a stream (which it disposes); <paramref name="name"/> is how records and problems name it.</summary>
    internal IEnumerable<object> Read(Stream stream, string name, CancellationToken cancel = default, TimeSpan? timeLimit = null)
    {
        // Closed however the enumeration ends: to the end, stopped, or abandoned (Select-Object -First).
        try
        {
            foreach (var item in ReadStream(stream, name, cancel, timeLimit)) yield return item;
        }
        finally
        {
            stream.Dispose();
        }
    }

    private IEnumerable<object> ReadStream(Stream stream, string name, CancellationToken cancel, TimeSpan? timeLimit)
    {
        _path = name;
        _output.Clear();
        _reportedLinkTypes.Clear();
        _reportedExperiments.Clear();
        _cutPackets = 0;
        Packets = 0;
        Position = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _pipe = stream as PipeReadStream;

        if (_pipe is not null)
        {
            // Wait for the FIFO's writer here, one poll slice at a time, so that the caller can say so and stop.
            WaitingForWriter = true;
            while (!_pipe.WaitReadable() && !_pipe.Stopped) yield return _progress;
            WaitingForWriter = false;
            if (_pipe.Stopped)
            {
                if (_pipe.TimeLimitReached) yield return NoWriter(name, timeLimit!.Value);
                yield break;
            }
        }

        ICaptureReader? reader = null;
        ToaProblem? failure = null;
        string? versionWarning = null;
        try
        {
            Length = stream.CanSeek ? stream.Length : 0;
            reader = CaptureFile.Open(stream, out var refusal, out versionWarning);
            if (reader is null && _pipe?.Stopped != true)
            {
                failure = new ToaProblem
                {
                    Kind = refusal!.UnsupportedVersion ? ToaProblemKind.UnsupportedCaptureVersion : ToaProblemKind.UnknownCaptureFormat,
                    Path = name, Message = $"{name}: {refusal.Message}.",
                };
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failure = new ToaProblem { Kind = ToaProblemKind.ReadFailed, Path = name, Message = $"{name}: {e.Message}" };
        }
        if (reader is null)
        {
            if (failure is not null) yield return failure;
            else if (_pipe?.TimeLimitReached == true) yield return TimeLimit(name, timeLimit!.Value);
            yield break;
        }
        if (versionWarning is not null)
            yield return new ToaNotice { Kind = ToaNoticeKind.CaptureVersion, Message = $"{name}: {versionWarning}." };

        bool timeUp = false;
        using (reader)
        {
            bool more = true;
            while (more && !cancel.IsCancellationRequested)
            {
                if (timeLimit is { } limit && clock.Elapsed >= limit)
                {
                    timeUp = true;
                    break;
                }
                try
                {
                    more = ReadSome(reader);
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
        if (timeUp || _pipe?.TimeLimitReached == true) yield return TimeLimit(name, timeLimit!.Value);
    }

    private ToaNotice TimeLimit(string name, TimeSpan limit) => new()
    {
        Kind = ToaNoticeKind.TimeLimit,
        Message = $"{name}: reading stopped at the time limit ({Format(limit)}) after packet {Packets.ToString(CultureInfo.InvariantCulture)}.",
    };

    /// <summary>A time limit as a person reads it: 2 s, 00:10:00; what is left of -Duration is seldom whole seconds.</summary>
    private static string Format(TimeSpan limit) => limit.TotalSeconds >= 1
        ? TimeSpan.FromSeconds(Math.Round(limit.TotalSeconds)) is var s && s.TotalMinutes < 1 ? $"{s.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s" : s.ToString("c", CultureInfo.InvariantCulture)
        : $"{Math.Round(limit.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms";

    private static ToaNotice NoWriter(string name, TimeSpan limit) => new()
    {
        Kind = ToaNoticeKind.NoWriter,
        Message = $"{name} is a FIFO that no program wrote to within {Format(limit)}, so nothing was read from it. Start the capture that writes it " +
                  $"(tcpdump -U -w {name} …: -U writes each packet at once), or give a longer -Duration.",
    };

    /// <summary>Reads up to <see cref="CheckEvery"/> packets into _output; false at the end of the file.</summary>
    private bool ReadSome(ICaptureReader reader)
    {
        for (int i = 0; i < CheckEvery; i++)
        {
            var result = reader.Next(out var packet, out var damage);
            if (result == CaptureReadResult.End) return false;
            if (result == CaptureReadResult.Problem)
            {
                // A FIFO stopped by Ctrl+C or the time limit ends mid-record: a stop, not a truncated file.
                if (_pipe?.Stopped == true) return false;
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
        if (packet.LinkType < 0) return; // an interface whose description was too short to read: reported there
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

        TcpOptionWalker.Walk(segment.Options, segment.DeclaredOptionsLength, _map, _scan);
        if (_scan.Cut) _cutPackets++;
        foreach (var experiment in _scan.Experiments)
        {
            if (_reportedExperiments.Add(experiment.Experiment.Id))
            {
                _output.Add(new ToaNotice
                {
                    Kind = ToaNoticeKind.Experiment,
                    Message = $"{_path}, packet {packet.Number}: {experiment.Describe()}; options of that experiment are skipped.",
                });
            }
        }
        foreach (var bad in _scan.Bad)
        {
            if (bad.Cut) continue; // counted in the notice
            _output.Add(new ToaProblem
            {
                Kind = ToaProblemKind.WrongLength, Path = _path, FileOffset = packet.FileOffset, PacketNumber = packet.Number,
                Message = $"{_path}, packet {packet.Number} at offset {packet.FileOffset}: {ToaRecordBuilder.Describe(bad, _map)}.",
            });
        }
        if (_scan.Found.Count == 0) return;

        var context = new PacketContext(
            ToLocalTime(packet.UnixTicks),
            new IPAddress(segment.SourceAddress), segment.SourcePort,
            new IPAddress(segment.DestinationAddress), segment.DestinationPort,
            LineNumber: null, _path, packet.Number);
        ToaRecordBuilder.Add(context, _scan.Found, _output);
    }

    private static DateTime? ToLocalTime(long? unixTicks) =>
        unixTicks is { } t && t <= DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks
            ? new DateTime(DateTime.UnixEpoch.Ticks + t, DateTimeKind.Utc).ToLocalTime()
            : null;
}
