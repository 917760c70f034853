using System.Globalization;
using System.Text;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// Everything the drop program is assembled from: the kernel's layout, the mode (stream records, or count them by key),
/// and the filter turned into the numbers the program compares (reason values of this kernel, namespace inodes,
/// interface name bytes, protocol numbers, address prefixes, ports).
/// </summary>
internal sealed class DropProgramSettings
{
    public const int DefaultRingBufferSizeBytes = 4 << 20;

    public required SkbLayout Layout { get; init; }

    /// <summary>Count in the kernel instead of streaming records.</summary>
    public bool Summary { get; init; }

    /// <summary>Summary key with the flow and interface.</summary>
    public bool ByFlow { get; init; }

    /// <summary>Take the kernel stack of each drop.</summary>
    public bool Stack { get; init; }

    public int RingBufferSizeBytes { get; init; } = DefaultRingBufferSizeBytes;

    /// <summary>Reason values to report; empty: all but <see cref="ExcludedReasons"/>.</summary>
    public IReadOnlyList<uint> IncludedReasons { get; init; } = [];

    public IReadOnlyList<uint> ExcludedReasons { get; init; } = [];

    /// <summary>NETFILTER_DROP's value on this kernel, when the program may see such drops (the conntrack reads run for it).</summary>
    public uint? NetfilterDrop { get; init; }

    public IReadOnlyList<uint> Namespaces { get; init; } = [];

    public IReadOnlyList<InterfaceMatch> Interfaces { get; init; } = [];

    public IReadOnlyList<byte> Protocols { get; init; } = [];

    public IReadOnlyList<AddressPrefix> Addresses { get; init; } = [];

    public IReadOnlyList<ushort> Ports { get; init; } = [];

    public int KeySize => ByFlow ? DropRecordLayout.FlowKeySize : DropRecordLayout.KeySize;

    /// <summary>The program reads conntrack's per-CPU drop counter at netfilter drops.</summary>
    public bool ReadsConntrackCounter => NetfilterDrop is not null && Layout.ConntrackStatistics is not null && Layout.Conntrack is not null;

    /// <summary>The program reads the packet's IP and transport headers.</summary>
    public bool ReadsHeaders => !Summary || ByFlow || Protocols.Count > 0 || Addresses.Count > 0 || Ports.Count > 0;

    /// <summary>The program reads the device's name.</summary>
    public bool ReadsInterfaceName => !Summary || ByFlow || Interfaces.Count > 0;

    /// <summary>Turns a user's filter into program settings for this kernel. Throws <see cref="ArgumentException"/> for a
    /// reason this kernel does not have, or an interface name longer than the kernel allows.</summary>
    public static DropProgramSettings Create(DropFilter filter, DropReasons reasons, SkbLayout layout, bool summary, bool byFlow, bool stack,
        int ringBufferSizeBytes = DefaultRingBufferSizeBytes)
    {
        uint Resolve(string name) => reasons.ValueOf(name)
            ?? throw new ArgumentException($"This kernel ({reasons.Kernel}) has no drop reason '{name}'. Its reasons: {string.Join(", ", reasons.Names)}.");
        if (!layout.HasReason && filter.Reasons.Count > 0)
            throw new ArgumentException($"This kernel ({reasons.Kernel}) does not report drop reasons (Linux 5.17+): -Reason cannot select any.");
        var included = filter.Reasons.Select(Resolve).Distinct().ToArray();
        // A reason asked for by name is reported even when it is one of the default exclusions (-Reason NOT_SPECIFIED).
        var excluded = layout.HasReason
            ? filter.ExcludedReasons.Select(n => reasons.ValueOf(n)).OfType<uint>().Except(included).Distinct().ToArray()
            : [];
        if (filter.ExcludedReasons.FirstOrDefault(n => reasons.ValueOf(n) is null && !DropReasons.NotDrops.Contains(n, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            Resolve(unknown); // throws: a name the user typed that this kernel lacks
        var netfilter = reasons.ValueOf("NETFILTER_DROP");
        var seesNetfilter = netfilter is { } nf && (included.Length == 0 ? !excluded.Contains(nf) : included.Contains(nf));
        return new DropProgramSettings
        {
            Layout = layout,
            Summary = summary || byFlow,
            ByFlow = byFlow,
            Stack = stack,
            RingBufferSizeBytes = ringBufferSizeBytes,
            IncludedReasons = included,
            ExcludedReasons = included.Length > 0 ? [] : excluded,
            NetfilterDrop = seesNetfilter ? netfilter : null,
            Namespaces = filter.NetworkNamespaces.Distinct().ToArray(),
            Interfaces = filter.Interfaces.Select(InterfaceMatch.Parse).ToArray(),
            Protocols = filter.Protocols.Select(p => (byte)p).Distinct().ToArray(),
            Addresses = filter.Addresses,
            Ports = filter.Ports.Select(p => (ushort)p).Distinct().ToArray(),
        };
    }

    /// <summary>One line for a listing's header.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Summary ? (ByFlow ? "summary by flow" : "summary") : "stream");
        void Add(string name, System.Collections.IEnumerable items)
        {
            var list = items.Cast<object>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)).ToArray();
            if (list.Length > 0)
                text.Append(", ").Append(name).Append(' ').Append(string.Join(' ', list));
        }
        if (Stack)
            text.Append(", stack");
        Add("reasons", IncludedReasons);
        Add("not", ExcludedReasons);
        Add("namespaces", Namespaces);
        Add("interfaces", Interfaces);
        Add("protocols", Protocols);
        Add("addresses", Addresses);
        Add("ports", Ports);
        if (ReadsConntrackCounter)
            text.Append(", conntrack counter");
        return text.ToString();
    }
}

/// <summary>An interface name (or prefix) as the program compares it: the 16 bytes of net_device.name under a mask.
/// An exact name compares its bytes and the NUL after them (the bytes after the NUL may be an older name's).</summary>
internal sealed class InterfaceMatch
{
    public const int NameSize = 16;

    private InterfaceMatch(string text, byte[] value, byte[] mask)
    {
        Text = text;
        Value = value;
        Mask = mask;
    }

    public string Text { get; }

    public byte[] Value { get; }

    public byte[] Mask { get; }

    public static InterfaceMatch Parse(string name)
    {
        var prefix = name.EndsWith('*');
        var text = prefix ? name[..^1] : name;
        var bytes = Encoding.UTF8.GetBytes(text);
        if (text.Length == 0 && !prefix || bytes.Length > NameSize - 1 || text.IndexOfAny(['*', '?', '[', '/']) >= 0)
            throw new ArgumentException($"'{name}' is not an interface name: at most {NameSize - 1} characters, with at most one * at the end (veth*).");
        var value = new byte[NameSize];
        var mask = new byte[NameSize];
        bytes.CopyTo(value, 0);
        var compared = prefix ? bytes.Length : bytes.Length + 1;
        for (var i = 0; i < compared; i++)
            mask[i] = 0xff;
        return new InterfaceMatch(name, value, mask);
    }

    /// <summary>Word <paramref name="index"/> (0 or 1) of the value or mask, as the program loads it (little-endian).</summary>
    public static long Word(byte[] bytes, int index) => BitConverter.ToInt64(bytes, index * 8);

    public override string ToString() => Text;
}
