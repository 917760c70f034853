using System.Globalization;

namespace Diag.Linux.Packages.Dpkg;

/// <summary>One dpkg-statoverride: the owner and mode dpkg keeps a path at (the only modes dpkg records).</summary>
internal sealed record DpkgStatOverride(string UserName, string GroupName, uint Mode);

/// <summary><c>/var/lib/dpkg/statoverride</c>: "user group octal-mode path" per line.</summary>
internal static class DpkgStatOverrides
{
    public static Dictionary<string, DpkgStatOverride> Parse(string text, Func<string, string> canonical)
    {
        var overrides = new Dictionary<string, DpkgStatOverride>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var words = line.Split(' ', 4);
            if (words.Length == 4 && uint.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                overrides[canonical(words[3])] = new DpkgStatOverride(words[0], words[1], Convert.ToUInt32(words[2], 8));
        }
        return overrides;
    }
}
