using System.Buffers.Binary;
using System.Globalization;
using Diag.Linux.Output;
using static Diag.Linux.PacketDrops.DropRecordLayout;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// Turns the kernel's counts into summary rows for one interval: each key's increase since the previous interval, its
/// cause told (for netfilter drops without the counter's word, from the fullest the namespace's table was seen during
/// the interval), and keys that differ only in what the cause was told from merged into one row per reason, cause,
/// place, namespace (and flow, stack). The drops the hash had no room for come as one row of their own.
/// </summary>
internal sealed class DropSummaryBuilder
{
    private readonly DropDecoder _decoder;
    private readonly bool _byFlow;
    private readonly Dictionary<string, (long Drops, long Bytes)> _previous = new();
    private (long Drops, long Bytes) _previousOverflow;
    private readonly Dictionary<uint, ConntrackTableState> _fullest = new();

    public DropSummaryBuilder(DropDecoder decoder, bool byFlow)
    {
        _decoder = decoder;
        _byFlow = byFlow;
    }

    /// <summary>Drops counted so far, over every interval.</summary>
    public long TotalDrops { get; private set; }

    /// <summary>Namespaces with netfilter drops of packets without a conntrack entry that the counter did not settle:
    /// their tables are sampled during the interval.</summary>
    public HashSet<uint> UnsettledNamespaces { get; } = new();

    /// <summary>Keeps the fullest reading of a namespace's table during the interval.</summary>
    public void Observe(uint ns, ConntrackTableState? state)
    {
        if (state is null)
            return;
        if (!_fullest.TryGetValue(ns, out var seen) || state.IsFull && !seen.IsFull || state.Count > seen.Count && seen.IsFull == state.IsFull)
            _fullest[ns] = state;
    }

    /// <summary>Notes which namespaces need sampling, from a reading of the keys (between intervals' ends).</summary>
    public void Scan(IEnumerable<byte[]> keys)
    {
        foreach (var key in keys)
            if (Unsettled(key) is { } ns)
                UnsettledNamespaces.Add(ns);
    }

    /// <summary>The rows for the interval that ends now.</summary>
    public List<PacketDropSummary> Rows((List<(byte[] Key, long Drops, long Bytes)> Keys, long OverflowDrops, long OverflowBytes) counts,
        TimeSpan interval, DateTime end)
    {
        var parts = new List<(byte[] Key, long Drops, long Bytes)>();
        foreach (var (key, drops, bytes) in counts.Keys)
        {
            var id = Convert.ToHexString(key);
            var before = _previous.GetValueOrDefault(id);
            _previous[id] = (drops, bytes);
            if (drops > before.Drops)
                parts.Add((key, drops - before.Drops, bytes - before.Bytes));
        }
        var rows = new Dictionary<string, Row>();
        foreach (var (key, drops, bytes) in parts)
        {
            var reasonCode = U32(key, KeyReason);
            var reason = _decoder.ReasonName(reasonCode);
            var ns = U32(key, KeyReason + 4);
            var flow = _byFlow ? PacketSummary.Read(key, KeyFamily, KeyProtocol, KeySourceAddress, KeyDestinationAddress, KeyPorts) : null;
            var fullest = _fullest.GetValueOrDefault(ns);
            var (location, function) = _decoder.Place(BinaryPrimitives.ReadUInt64LittleEndian(key));
            var verdict = DropCauseClassifier.Classify(reason, function, (ConntrackAttachment)key[KeyConntrack], (ConntrackEvidence)key[KeyEvidence], ns,
                flow?.DestinationPort ?? 0, flow?.Protocol ?? IpProtocol.None, () => fullest ?? _decoder.Tables.Read(ns));
            var stackId = BinaryPrimitives.ReadInt32LittleEndian(key.AsSpan(KeyStackId));
            var @interface = _byFlow ? DropDecoder.InterfaceNameOf(key.AsSpan(KeyInterfaceName, InterfaceMatch.NameSize)) : null;
            var group = string.Join('|', reason, verdict.Cause, location, ns, stackId, flow?.Flow, @interface);
            if (!rows.TryGetValue(group, out var row))
                rows[group] = row = new Row(reason, reasonCode, location, function, ns, flow, @interface, stackId);
            row.Add(verdict, drops, bytes);
        }
        var result = rows.Values.OrderByDescending(r => r.Drops).Select(r => r.ToSummary(_decoder, interval, end)).ToList();
        var overflow = (counts.OverflowDrops - _previousOverflow.Drops, counts.OverflowBytes - _previousOverflow.Bytes);
        _previousOverflow = (counts.OverflowDrops, counts.OverflowBytes);
        if (overflow.Item1 > 0)
            result.Add(new PacketDropSummary("(other)", 0,
                new DropCauseVerdict(PacketDropCause.Unclassified, DropCauseCertainty.Unknown,
                    string.Create(CultureInfo.InvariantCulture, $"drops whose reason, place or flow did not fit in the summary's {DropMaps.SummaryEntries} entries: counted, not told apart"), null),
                "(not kept)", null, 0, null, overflow.Item1, overflow.Item2, interval, end, null, null, ItemList<string>.Empty));
        TotalDrops += result.Sum(r => r.Count);
        _fullest.Clear();
        return result;
    }

    private static uint? Unsettled(byte[] key) =>
        (ConntrackAttachment)key[KeyConntrack] == ConntrackAttachment.None && (ConntrackEvidence)key[KeyEvidence] == ConntrackEvidence.Unknown
            ? U32(key, KeyReason + 4) : null;

    private static uint U32(byte[] key, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(offset));

    /// <summary>One row being merged: its drops by verdict.</summary>
    private sealed class Row(string reason, uint reasonCode, string location, string? function, uint ns, PacketSummary? flow, string? @interface, int stackId)
    {
        private readonly List<(DropCauseVerdict Verdict, long Drops)> _verdicts = new();

        public long Drops { get; private set; }

        private long _bytes;

        public void Add(DropCauseVerdict verdict, long drops, long bytes)
        {
            _verdicts.Add((verdict, drops));
            Drops += drops;
            _bytes += bytes;
        }

        public PacketDropSummary ToSummary(DropDecoder decoder, TimeSpan interval, DateTime end)
        {
            var main = _verdicts.OrderByDescending(v => v.Drops).First().Verdict;
            var confirmed = _verdicts.Where(v => v.Verdict.Certainty == DropCauseCertainty.Confirmed).Sum(v => v.Drops);
            var certainty = _verdicts.Min(v => v.Verdict.Certainty);
            var evidence = main.Evidence;
            if (certainty != DropCauseCertainty.Confirmed && confirmed > 0)
                evidence += string.Create(CultureInfo.InvariantCulture, $" ({confirmed} of {Drops} drops confirmed by conntrack's drop counter)");
            return new PacketDropSummary(reason, reasonCode, main with { Certainty = certainty, Evidence = evidence }, location, function, ns,
                decoder.Namespaces.NameOf(ns), Drops, _bytes, interval, end, flow, @interface, decoder.Stack(stackId));
        }
    }
}
