using System.Text;

namespace Diag.Commands.Formatting;

/// <summary>
/// Breaks text into lines at spaces for the format views. PowerShell's own table and list wrap cuts a word, a PID or
/// a command in two wherever the column ends (under the C and POSIX locales it does not look for spaces), so a view
/// whose column holds sentences passes them through here with the column's width at 80 columns.
/// </summary>
public static class WordWrap
{
    /// <summary>The text in lines of at most <paramref name="width"/> characters, broken at spaces; a word longer than
    /// a line (a path) stands alone on its line, whole. Null or empty text gives an empty string.</summary>
    public static string Lines(string? text, int width)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        width = Math.Max(width, 10);
        var result = new StringBuilder(text.Length + 16);
        var line = new StringBuilder(width);
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                result.Append(line).Append('\n');
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        return result.Append(line).ToString();
    }
}
