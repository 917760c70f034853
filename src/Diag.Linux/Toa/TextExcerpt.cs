using System.Globalization;

namespace Diag.Linux.Toa;

/// <summary>
/// A bounded quotation of input for messages and error records: one 10 MB line must not become a 10 MB
/// message, ErrorDetails and TargetObject. Text longer than the bound keeps its start and says its length.
/// </summary>
public static class TextExcerpt
{
    /// <summary>The longest line an error record carries whole.</summary>
    public const int LineLimit = 200;

    /// <summary>The longest piece of input (hex, a token) quoted inside a message.</summary>
    public const int QuoteLimit = 48;

    /// <summary><paramref name="text"/> itself when it is at most <paramref name="limit"/> characters; else its start,
    /// an ellipsis and its length: <c>unknown-200 0x3039… (10485760 characters)</c>.</summary>
    public static string Of(ReadOnlySpan<char> text, int limit = LineLimit)
    {
        if (text.Length <= limit) return text.ToString();
        string tail = $"… ({text.Length.ToString(CultureInfo.InvariantCulture)} characters)";
        return string.Concat(text[..Math.Max(1, limit - tail.Length)], tail);
    }
}
