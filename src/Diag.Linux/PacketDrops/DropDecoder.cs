using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Diag.Linux.Bpf;
using Diag.Linux.Output;
using static Diag.Linux.PacketDrops.DropRecordLayout;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// Turns what the program wrote into objects: a streamed record into a <see cref="PacketDrop"/>, a summary key's parts
/// into names. Reasons are named from the kernel's enum, places and stacks from kallsyms (loaded in the background while
/// the program attaches: waited for only when the first drop needs it), namespaces by who is in them, and the cause
/// told by <see cref="DropCauseClassifier"/> with the namespace's conntrack table read when a netfilter drop needs it.
/// </summary>
internal sealed class DropDecoder
{
    private readonly DropReasons _reasons;
    private readonly NamespaceDirectory _namespaces;
    private readonly ConntrackTable _tables;
    private readonly Task<KernelSymbols?> _symbols;
    private readonly DropClock _clock;
    private readonly BpfStackTraceMap? _stacks;
    private readonly Dictionary<ulong, (string Location, string? Function)> _places = new();
    private readonly Dictionary<int, ItemList<string>> _stackCache = new();

    public DropDecoder(DropReasons reasons, NamespaceDirectory namespaces, ConntrackTable tables, Task<KernelSymbols?> symbols, DropClock clock,
        BpfStackTraceMap? stacks)
    {
        _reasons = reasons;
        _namespaces = namespaces;
        _tables = tables;
        _symbols = symbols;
        _clock = clock;
        _stacks = stacks;
    }

    public ConntrackTable Tables => _tables;

    public NamespaceDirectory Namespaces => _namespaces;

    /// <summary>Why kernel addresses cannot be named (kptr_restrict), once symbols are loaded; null when they can.</summary>
    public string? SymbolsHiddenReason => _symbols.IsCompletedSuccessfully ? _symbols.Result?.HiddenReason : null;

    public PacketDrop Decode(ReadOnlySpan<byte> record)
    {
        var reasonCode = U32(record, Reason);
        var reason = _reasons.NameOf(reasonCode);
        var ns = U32(record, Namespace);
        var packet = PacketSummary.Read(record, Family, Protocol, SourceAddress, DestinationAddress, SourcePort, EtherType, Flags, (int)U32(record, Length));
        var address = BinaryPrimitives.ReadUInt64LittleEndian(record[Location..]);
        var (location, function) = Place(address);
        var verdict = DropCauseClassifier.Classify(reason, function, (ConntrackAttachment)record[ConntrackSlot], (ConntrackEvidence)record[Evidence], ns,
            packet.DestinationPort, packet.Protocol, () => _tables.Read(ns));
        return new PacketDrop(_clock.ToLocalTime(BinaryPrimitives.ReadUInt64LittleEndian(record[Timestamp..])), reason, reasonCode, verdict,
            location, function, address, packet, InterfaceNameOf(record.Slice(InterfaceName, InterfaceMatch.NameSize)),
            (int)U32(record, InterfaceIndex), ns, _namespaces.NameOf(ns), (ConntrackAttachment)record[ConntrackSlot],
            (int)U32(record, Cpu), Stack(BinaryPrimitives.ReadInt32LittleEndian(record[StackId..])));
    }

    public string ReasonName(uint code) => _reasons.NameOf(code);

    /// <summary>"nf_hook_slow+0x71", or the address in hex when kallsyms cannot name it.</summary>
    public (string Location, string? Function) Place(ulong address)
    {
        if (_places.TryGetValue(address, out var known))
            return known;
        var symbol = Symbols()?.Find(address);
        var place = symbol is null
            ? (string.Create(CultureInfo.InvariantCulture, $"0x{address:x}"), (string?)null)
            : (symbol.ToString(), symbol.Function);
        if (_places.Count < 65536)
            _places[address] = place;
        return place;
    }

    /// <summary>The kernel stack of id <paramref name="id"/> from the tracepoint's caller outwards (the tracing
    /// machinery's own frames left out); empty without -Stack or when the stack could not be stored.</summary>
    public ItemList<string> Stack(int id)
    {
        if (_stacks is null || id < 0)
            return ItemList<string>.Empty;
        if (_stackCache.TryGetValue(id, out var cached))
            return cached;
        var frames = _stacks.Read(id);
        var names = frames is null ? [] : frames.Select(f => Place(f).Location)
            .SkipWhile(f => f.StartsWith("bpf_", StringComparison.Ordinal) || f.StartsWith("__bpf_", StringComparison.Ordinal) || f.StartsWith("0x", StringComparison.Ordinal))
            .ToArray();
        var list = ItemList.Of(names);
        _stackCache[id] = list;
        return list;
    }

    private KernelSymbols? Symbols()
    {
        try
        {
            return _symbols.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal static string? InterfaceNameOf(ReadOnlySpan<byte> name)
    {
        var end = name.IndexOf((byte)0);
        var text = end < 0 ? name : name[..end];
        return text.Length == 0 ? null : Encoding.UTF8.GetString(text);
    }

    private static uint U32(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);
}
