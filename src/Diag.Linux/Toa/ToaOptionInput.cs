using System.Globalization;

namespace Diag.Linux.Toa;

/// <summary>
/// One TOA option given by hand (ConvertFrom-Toa -Hex, -Byte): with its kind and length bytes
/// (<c>c80830390a0a0101</c>) or only its data (<c>30390a0a0101</c>, as tcpdump prints it after
/// <c>unknown-200 0x</c>). Data alone is read by its length, in the layouts of the kind when
/// given, else of any mapped kind (6 bytes: Toa; 18: ToaV6; 38: V6Vtoa).
/// </summary>
public static class ToaOptionInput
{
    private static readonly ToaVariant[] Preference = [ToaVariant.Toa, ToaVariant.ToaV6, ToaVariant.V6Vtoa, ToaVariant.Vtoa, ToaVariant.ToaVip];

    /// <summary>A <see cref="ToaRecord"/>, or a <see cref="ToaProblem"/> saying why the text is not one TOA option.</summary>
    public static object FromHex(string hex, ToaKindMap map, int? kind = null)
    {
        var digits = new System.Text.StringBuilder(hex.Length);
        var text = hex.AsSpan().Trim();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '0' && i + 1 < text.Length && text[i + 1] is 'x' or 'X' && (i == 0 || !char.IsAsciiHexDigit(text[i - 1]))) { i++; continue; }
            if (char.IsWhiteSpace(c) || c is ':' or '-' or ',') continue;
            if (!char.IsAsciiHexDigit(c)) return Problem(ToaProblemKind.InvalidHex, $"'{Quote(hex)}' is not hex: '{c}' at position {i + 1}");
            digits.Append(c);
        }
        if (digits.Length == 0) return Problem(ToaProblemKind.InvalidHex, $"'{Quote(hex)}' has no hex digits");
        if (digits.Length % 2 != 0) return Problem(ToaProblemKind.InvalidHex, $"'{Quote(hex)}' has an odd number of hex digits ({digits.Length}): not whole bytes");
        return FromBytes(Convert.FromHexString(digits.ToString()), map, kind);
    }

    /// <summary>A <see cref="ToaRecord"/>, or a <see cref="ToaProblem"/> saying why the bytes are not one TOA option.</summary>
    public static object FromBytes(ReadOnlySpan<byte> bytes, ToaKindMap map, int? kind = null)
    {
        // With kind and length: the length byte counts the whole option.
        if (bytes.Length >= 2 && bytes[1] == bytes.Length && map.TryMatch(bytes[0], bytes.Length, out var withHeader)
            && (kind is null || kind == bytes[0]))
            return Record(ToaOption.Decode(bytes[0], withHeader, bytes[2..]));

        if (kind is { } k)
        {
            if (map.TryMatch(k, bytes.Length + 2, out var variant)) return Record(ToaOption.Decode(k, variant, bytes));
            return Problem(ToaProblemKind.WrongLength,
                $"{bytes.Length} bytes are no kind-{k} TOA: its data is {map.DescribeKind(k)} less the kind and length bytes");
        }
        foreach (var preferred in Preference)
        {
            if (ToaLayout.LengthOf(preferred) == bytes.Length + 2 && map.Kinds.Any(m => map.VariantsOf(m).ToArray().Contains(preferred)))
                return Record(ToaOption.Decode(null, preferred, bytes));
        }
        var lengths = map.Kinds.SelectMany(m => map.VariantsOf(m).ToArray()).Distinct().Select(ToaLayout.LengthOf).Distinct().Order().ToList();
        return Problem(ToaProblemKind.WrongLength,
            $"{bytes.Length} bytes are no TOA option: an option with its kind and length is {string.Join(", ", lengths)} bytes long " +
            $"(its length byte says so), its data alone {string.Join(", ", lengths.Select(l => (l - 2).ToString(CultureInfo.InvariantCulture)))}");
    }

    /// <summary>The input as a message quotes it: whole when short, else its start and its length.</summary>
    private static string Quote(string hex) => TextExcerpt.Of(hex, TextExcerpt.QuoteLimit);

    private static ToaRecord Record(ToaOption o) => new()
    {
        ClientAddress = o.Client, ClientPort = o.ClientPort, VirtualAddress = o.Virtual, VirtualPort = o.VirtualPort, VpcId = o.VpcId,
        OptionKind = o.Kind, VariantValue = o.Variant,
    };

    private static ToaProblem Problem(ToaProblemKind kind, string message) => new() { Kind = kind, Message = message + "." };
}
