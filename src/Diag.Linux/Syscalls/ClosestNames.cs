namespace Diag.Linux.Syscalls;

/// <summary>"Did you mean" suggestions: the candidates nearest by edit distance.</summary>
internal static class ClosestNames
{
    private const int MaxSuggestions = 3;

    /// <summary>The nearest candidates (at most three, all equally near), or none when nothing is near.</summary>
    public static IReadOnlyList<string> Find(string typed, IEnumerable<string> candidates)
    {
        var lowered = typed.ToLowerInvariant();
        // Allow roughly one typo per three letters, at least two: "recvfrm" → recvfrom, not "read".
        var limit = Math.Max(2, lowered.Length / 3);
        var near = candidates
            .Select(c => (Name: c, Distance: Distance(lowered, c.ToLowerInvariant())))
            .Where(c => c.Distance <= limit)
            .ToArray();
        if (near.Length == 0)
            return Array.Empty<string>();
        // Only the nearest ones: a one-letter slip should not drown in two-letter neighbours.
        var best = near.Min(c => c.Distance);
        return near.Where(c => c.Distance == best)
            .Select(c => c.Name)
            .Order(StringComparer.Ordinal)
            .Take(MaxSuggestions)
            .ToArray();
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
