using System.Globalization;

namespace Diag.Linux.Toa;

/// <summary>
/// Which TCP option kinds carry a TOA, and in which layouts. A kind may carry several layouts told
/// apart by length (254: 8 bytes IPv4, 20 bytes IPv6). Deployments renumber kinds (yubo/ip_vs_ca's
/// tcpopt_addr, baidu/ttm's tcpopt_ttm module parameter), so the map can be changed per run.
/// </summary>
public sealed class ToaKindMap
{
    // The kinds tcpdump 4.5 and later print by name (print-tcp.c tcp_option_values, 4.99.3): their data
    // never appears as hex in the text, only in a hex dump.
    private static readonly int[] KindsTcpdumpNames = [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 19, 20, 28, 29, 30, 34, 254];

    private readonly ToaVariant[]?[] _byKind;

    private ToaKindMap(ToaVariant[]?[] byKind)
    {
        _byKind = byKind;
        HasKindsTcpdumpNamesOtherThanExp = KindsTcpdumpNames.Any(k => k != 254 && byKind[k] is not null);
    }

    /// <summary>The kinds the known TOA modules use (see <see cref="ToaVariant"/> for the headers that define them).</summary>
    public static ToaKindMap Default { get; } = Build(new Dictionary<int, ToaVariant[]>
    {
        [200] = [ToaVariant.Toa],
        [254] = [ToaVariant.Toa, ToaVariant.ToaV6],
        [253] = [ToaVariant.ToaV6],
        [250] = [ToaVariant.ToaVip],
        [252] = [ToaVariant.Vtoa],
        [249] = [ToaVariant.V6Vtoa],
    });

    /// <summary>The kinds mapped, in order.</summary>
    public IEnumerable<int> Kinds => Enumerable.Range(0, 256).Where(k => _byKind[k] is not null);

    /// <summary>True when a mapped kind (other than 254's exp-) is one tcpdump prints by name, so only a hex dump shows its data.</summary>
    internal bool HasKindsTcpdumpNamesOtherThanExp { get; }

    /// <summary>The layouts of a kind (empty when the kind carries no TOA).</summary>
    public ReadOnlySpan<ToaVariant> VariantsOf(int kind) => (uint)kind < 256 ? _byKind[kind] : null;

    public bool IsToaKind(int kind) => (uint)kind < 256 && _byKind[kind] is not null;

    /// <summary>The layout of an option of this kind and total length (kind and length bytes included).</summary>
    public bool TryMatch(int kind, int totalLength, out ToaVariant variant)
    {
        foreach (var v in VariantsOf(kind))
        {
            if (ToaLayout.LengthOf(v) == totalLength) { variant = v; return true; }
        }
        variant = default;
        return false;
    }

    /// <summary>"8 bytes (port, IPv4) or 20 bytes (port, IPv6)": what a kind should look like, for messages.</summary>
    internal string DescribeKind(int kind) =>
        string.Join(" or ", VariantsOf(kind).ToArray().Select(v => $"{ToaLayout.LengthOf(v)} bytes ({ToaLayout.Describe(v)})"));

    /// <summary>This map with some kinds replaced: a kind mapped to no layouts carries no TOA any more.</summary>
    /// <exception cref="ArgumentException">A kind outside 2..255, a layout that is not a TOA layout, or two layouts of the same length on one kind.</exception>
    public ToaKindMap With(IEnumerable<KeyValuePair<int, ToaVariant[]>> kinds)
    {
        var byKind = (ToaVariant[]?[])_byKind.Clone();
        foreach (var (kind, variants) in kinds)
        {
            Validate(kind, variants);
            byKind[kind] = variants.Length == 0 ? null : variants.Distinct().ToArray();
        }
        return new ToaKindMap(byKind);
    }

    private static ToaKindMap Build(Dictionary<int, ToaVariant[]> kinds)
    {
        var byKind = new ToaVariant[]?[256];
        foreach (var (kind, variants) in kinds) byKind[kind] = variants;
        return new ToaKindMap(byKind);
    }

    private static void Validate(int kind, ToaVariant[] variants)
    {
        // 0 and 1 (EOL, NOP) have no length byte: they cannot carry data.
        if (kind is < 2 or > 255)
            throw new ArgumentException($"TCP option kind {kind.ToString(CultureInfo.InvariantCulture)} cannot carry a TOA: kinds are 2 to 255 (0 and 1 are end-of-list and no-op).");
        foreach (var v in variants)
        {
            if (v == ToaVariant.PortOnly || !Enum.IsDefined(v))
                throw new ArgumentException($"'{v}' is not a TOA layout; use Toa, ToaV6, ToaVip, Vtoa or V6Vtoa.");
        }
        var clash = variants.Distinct().GroupBy(ToaLayout.LengthOf).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new ArgumentException($"Kind {kind.ToString(CultureInfo.InvariantCulture)} cannot be both {string.Join(" and ", clash)}: both are {clash.Key} bytes long, so a packet could not tell them apart.");
    }
}
