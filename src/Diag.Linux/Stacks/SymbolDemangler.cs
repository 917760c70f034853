using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Diag.Linux.Interop;

namespace Diag.Linux.Stacks;

/// <summary>
/// Turns symbol names into what a person reads: the ELF symbol version dropped (read@@GLIBC_2.2.5 → read),
/// Rust's legacy mangling decoded with its hash left out (as rustc-demangle's alternate form), C++ names
/// through libstdc++'s __cxa_demangle. Names it cannot decode are returned as they are.
/// </summary>
internal static class SymbolDemangler
{
    private const int MaxLength = 4096;
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    public static string Demangle(string symbol)
    {
        if (Cache.TryGetValue(symbol, out var cached)) return cached;
        var name = StripVersion(symbol);
        if (name.StartsWith("_Z", StringComparison.Ordinal) && name.Length <= MaxLength)
            name = TryRustLegacy(name) ?? TryCxx(name) ?? name;
        if (Cache.Count > 100_000) Cache.Clear();
        Cache[symbol] = name;
        return name;
    }

    /// <summary>"name@@VERSION" / "name@VERSION" (versioned aliases in .symtab) → "name".</summary>
    private static string StripVersion(string symbol)
    {
        var at = symbol.IndexOf('@');
        return at > 0 && symbol.AsSpan(at).IndexOfAny(" ()<>") < 0 ? symbol[..at] : symbol;
    }

    /// <summary>_ZN{len}{ident}...17h{16 hex}E, optionally followed by a ".llvm.N" suffix from LTO.</summary>
    private static string? TryRustLegacy(string symbol)
    {
        var llvm = symbol.IndexOf(".llvm.", StringComparison.Ordinal);
        var text = llvm > 0 ? symbol[..llvm] : symbol;
        if (!text.StartsWith("_ZN", StringComparison.Ordinal) || !text.EndsWith('E')) return null;
        var parts = new List<string>();
        var position = 3;
        while (position < text.Length - 1)
        {
            var digits = position;
            while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
            if (digits == position || !int.TryParse(text.AsSpan(position, digits - position), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= 0 || digits + length > text.Length - 1)
                return null;
            parts.Add(text.Substring(digits, length));
            position = digits + length;
        }
        if (position != text.Length - 1 || parts.Count < 2 || !IsRustHash(parts[^1])) return null;
        var result = new StringBuilder();
        foreach (var part in parts.Take(parts.Count - 1))
        {
            if (result.Length > 0) result.Append("::");
            if (!AppendRustIdentifier(result, part)) return null;
        }
        return result.ToString();
    }

    private static bool IsRustHash(string part) =>
        part.Length == 17 && part[0] == 'h' && part.AsSpan(1).IndexOfAnyExcept("0123456789abcdef") < 0;

    private static bool AppendRustIdentifier(StringBuilder result, string part)
    {
        var rest = part.StartsWith("_$", StringComparison.Ordinal) ? part.AsSpan(1) : part.AsSpan();
        while (!rest.IsEmpty)
        {
            if (rest.StartsWith(".."))
            {
                result.Append("::");
                rest = rest[2..];
            }
            else if (rest[0] == '$')
            {
                var end = rest[1..].IndexOf('$');
                if (end < 0) return false;
                var escape = rest.Slice(1, end);
                string? decoded = escape switch
                {
                    "SP" => "@", "BP" => "*", "RF" => "&", "LT" => "<", "GT" => ">", "LP" => "(", "RP" => ")", "C" => ",",
                    _ => escape.Length > 1 && escape[0] == 'u'
                         && uint.TryParse(escape[1..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code) && code <= 0x10ffff
                        ? char.ConvertFromUtf32((int)code) : null,
                };
                if (decoded is null) return false;
                result.Append(decoded);
                rest = rest[(end + 2)..];
            }
            else
            {
                var next = rest.IndexOfAny('$', '.');
                if (next == 0) { result.Append('.'); rest = rest[1..]; continue; }
                if (next < 0) next = rest.Length;
                result.Append(rest[..next]);
                rest = rest[next..];
            }
        }
        return true;
    }

    private static unsafe string? TryCxx(string symbol)
    {
        if (!LibStdCxx.IsAvailable) return null;
        var bytes = Encoding.UTF8.GetBytes(symbol + "\0");
        int status;
        byte* demangled;
        fixed (byte* mangled = bytes)
            demangled = LibStdCxx.CxaDemangle(mangled, null, null, &status);
        if (demangled == null) return null;
        try
        {
            return status == 0 ? Marshal.PtrToStringUTF8((nint)demangled) : null;
        }
        finally
        {
            Libc.Free(demangled);
        }
    }
}
