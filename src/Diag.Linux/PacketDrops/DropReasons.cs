using System.Globalization;
using Diag.Linux.Bpf.Btf;

namespace Diag.Linux.PacketDrops;

/// <summary>
/// The running kernel's drop reasons, read from its BTF (<c>enum skb_drop_reason</c>), never from a table in Diag: the
/// numbering changes between kernel versions (NETFILTER_DROP is 12 on Linux 6.18, 6 on 6.2). Names are the kernel's
/// without the SKB_DROP_REASON_ prefix, as the tracepoint's own format prints them: NETFILTER_DROP, NO_SOCKET,
/// TCP_LISTEN_OVERFLOW. Subsystem reasons (mac80211, openvswitch: the subsystem in the upper 16 bits) are named
/// SUBSYSTEM:CODE.
/// </summary>
public sealed class DropReasons
{
    private const string Prefix = "SKB_DROP_REASON_";
    private const uint SubsystemMask = 0xffff0000;

    private readonly Dictionary<uint, string> _byValue = new();
    private readonly Dictionary<string, uint> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<uint, string> _subsystems = new();

    private DropReasons(BtfEnum? reasons, BtfEnum? subsystems, string kernel)
    {
        Kernel = kernel;
        if (reasons is not null)
        {
            foreach (var value in reasons.Values)
            {
                var name = Short(value.Name);
                if (name is "MAX" or "SUBSYS_MASK" || value.Value < 0 || value.Value > uint.MaxValue)
                    continue;
                _byValue.TryAdd((uint)value.Value, name);
                _byName.TryAdd(name, (uint)value.Value);
            }
        }
        if (subsystems is not null)
            foreach (var value in subsystems.Values)
                if (value.Value is > 0 and < 0x10000 && !value.Name.EndsWith("_NUM", StringComparison.Ordinal))
                    _subsystems.TryAdd((uint)value.Value, value.Name.StartsWith(Prefix + "SUBSYS_", StringComparison.Ordinal) ? value.Name[(Prefix.Length + 7)..] : value.Name);
        Names = _byName.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The kernel the names are from.</summary>
    public string Kernel { get; }

    /// <summary>False on a kernel whose tracepoint has no reason (before Linux 5.17) or whose BTF has no enum.</summary>
    public bool Available => _byName.Count > 0;

    /// <summary>Every reason name this kernel has, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The reasons of the running kernel. Throws <see cref="DropWatchException"/> when the kernel has no BTF.</summary>
    public static DropReasons Running()
    {
        try
        {
            var btf = BtfLayout.Running();
            return new DropReasons(btf.Types.Enum("skb_drop_reason"), btf.Types.Enum("skb_drop_reason_subsys"), btf.Kernel);
        }
        catch (KernelLayoutException e)
        {
            throw new DropWatchException(DropWatchFailure.KernelUnsupported, $"Get-PacketDrop cannot read this kernel's packets: {e.Message}.", e);
        }
    }

    /// <summary>From an enum read elsewhere (tests).</summary>
    internal static DropReasons From(BtfEnum? reasons, string kernel) => new(reasons, null, kernel);

    /// <summary>The name of <paramref name="value"/>: NETFILTER_DROP, or SUBSYSTEM:CODE, or the number when this kernel
    /// has no name for it.</summary>
    public string NameOf(uint value)
    {
        if (_byValue.TryGetValue(value, out var name))
            return name;
        if ((value & SubsystemMask) != 0 && _subsystems.TryGetValue(value >> 16, out var subsystem))
            return subsystem + ":" + (value & 0xffff).ToString(CultureInfo.InvariantCulture);
        return value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The value of reason <paramref name="name"/> (with or without SKB_DROP_REASON_, any case); null when this
    /// kernel has none.</summary>
    public uint? ValueOf(string name) => _byName.TryGetValue(Short(name.Trim()), out var value) ? value : null;

    /// <summary>The reasons a kernel reports for frees that are not drops, left out unless asked for: NOT_DROPPED_YET and
    /// CONSUMED (a packet handed to its socket or sent: Linux 6.1+ traces these as consume_skb, older kernels may not),
    /// and NOT_SPECIFIED (plain kfree_skb: many error and clean-up paths, on older kernels also normal frees, which
    /// would bury the drops that have a reason).</summary>
    public static IReadOnlyList<string> NotDrops { get; } = ["NOT_DROPPED_YET", "CONSUMED", "NOT_SPECIFIED"];

    private static string Short(string name) =>
        name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? name[Prefix.Length..].ToUpperInvariant()
        : name.StartsWith("SKB_", StringComparison.OrdinalIgnoreCase) ? name[4..].ToUpperInvariant()
        : name.ToUpperInvariant();
}
