using System.Collections;
using System.Management.Automation;
using Diag.Linux.Toa;

namespace Diag.Commands.Infrastructure;

/// <summary>
/// Lets -OptionKind take a bare kind number (<c>-OptionKind 230</c>: kind 230 carries a client port
/// and address, IPv4 or IPv6 by length) as well as a hashtable of kinds and layouts
/// (<c>-OptionKind @{ 230 = 'Vtoa'; 200 = @() }</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ToaOptionKindAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is IDictionary) return value;
        var kinds = value is IEnumerable list and not string ? list.Cast<object>() : [value];
        var map = new Hashtable();
        foreach (var kind in kinds) map[kind is PSObject p ? p.BaseObject : kind] = new[] { ToaVariant.Toa, ToaVariant.ToaV6 };
        return map;
    }

    /// <summary>The engine's map: the default kinds with these replaced. <paramref name="onlyKind"/> is the
    /// kind when exactly one is given (then -Hex data without its kind byte is read as that kind).</summary>
    /// <exception cref="ArgumentException">A kind or layout that cannot be.</exception>
    public static ToaKindMap ToMap(IDictionary? kinds, out int? onlyKind)
    {
        onlyKind = null;
        if (kinds is null) return ToaKindMap.Default;
        var entries = new List<KeyValuePair<int, ToaVariant[]>>();
        foreach (DictionaryEntry entry in kinds)
        {
            if (!LanguagePrimitives.TryConvertTo(entry.Key is PSObject k ? k.BaseObject : entry.Key, out int kind))
                throw new ArgumentException($"'{entry.Key}' is not a TCP option kind: give a number from 2 to 255.");
            var raw = entry.Value is PSObject v ? v.BaseObject : entry.Value;
            var values = raw switch
            {
                null => [],
                IEnumerable many and not string => many.Cast<object?>(),
                _ => [raw],
            };
            var variants = new List<ToaVariant>();
            foreach (var one in values)
            {
                if (!LanguagePrimitives.TryConvertTo(one is PSObject o ? o.BaseObject : one, out ToaVariant variant) || !Enum.IsDefined(variant))
                    throw new ArgumentException($"'{one}' is not a TOA layout: use Toa, ToaV6, ToaVip, Vtoa or V6Vtoa (or @() for none).");
                variants.Add(variant);
            }
            entries.Add(new(kind, [.. variants]));
        }
        if (entries.Count == 1 && entries[0].Value.Length > 0) onlyKind = entries[0].Key;
        return ToaKindMap.Default.With(entries);
    }
}
