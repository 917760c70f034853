namespace Diag.Linux.Packages.Dpkg;

/// <summary>One dpkg-divert: the file other packages ship at <see cref="From"/> is installed at <see cref="To"/>
/// instead, and <see cref="From"/> is left to <see cref="By"/> (null for a local diversion, dpkg-divert --local).</summary>
internal sealed record DpkgDiversion(string From, string To, string? By);

/// <summary><c>/var/lib/dpkg/diversions</c>: three lines per diversion (from, to, the diverting package or ":").</summary>
internal sealed class DpkgDiversions
{
    private readonly Dictionary<string, DpkgDiversion> _byFrom = new(StringComparer.Ordinal), _byTo = new(StringComparer.Ordinal);

    public static DpkgDiversions Empty { get; } = new();

    public static DpkgDiversions Parse(string text, Func<string, string> canonical)
    {
        var result = new DpkgDiversions();
        var lines = text.Split('\n');
        for (int i = 0; i + 2 < lines.Length; i += 3)
        {
            if (lines[i].Length == 0) break;
            var diversion = new DpkgDiversion(lines[i], lines[i + 1], lines[i + 2] == ":" ? null : lines[i + 2]);
            result._byFrom[canonical(diversion.From)] = diversion;
            result._byTo[canonical(diversion.To)] = diversion;
        }
        return result;
    }

    /// <summary>The diversion whose original path is <paramref name="canonicalPath"/>.</summary>
    public DpkgDiversion? From(string canonicalPath) => _byFrom.GetValueOrDefault(canonicalPath);

    /// <summary>The diversion whose new path is <paramref name="canonicalPath"/>.</summary>
    public DpkgDiversion? To(string canonicalPath) => _byTo.GetValueOrDefault(canonicalPath);
}
