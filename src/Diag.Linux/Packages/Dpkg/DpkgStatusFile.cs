namespace Diag.Linux.Packages.Dpkg;

/// <summary>One stanza of <c>/var/lib/dpkg/status</c>, the fields the index needs.</summary>
internal sealed record DpkgStatusEntry(string Name, string Version, string Architecture, string State, bool MultiArchSame,
    IReadOnlyDictionary<string, string?> Conffiles);

/// <summary>
/// Parses dpkg's status file (deb822 stanzas separated by blank lines; continuation lines start with a space). Only
/// packages with files on disk are kept: "not-installed" ones (purged, or known only for their selection) list none.
/// </summary>
internal static class DpkgStatusFile
{
    public static List<DpkgStatusEntry> Parse(string text)
    {
        var entries = new List<DpkgStatusEntry>(1024);
        string? name = null, version = null, architecture = null, state = null;
        bool multiArchSame = false;
        Dictionary<string, string?>? conffiles = null;
        bool inConffiles = false;

        void Flush()
        {
            if (name is not null && state is not null && state != "not-installed")
                entries.Add(new DpkgStatusEntry(name, version ?? "", architecture ?? "", state, multiArchSame,
                    (IReadOnlyDictionary<string, string?>?)conffiles ?? EmptyConffiles));
            name = version = architecture = state = null;
            multiArchSame = false;
            conffiles = null;
            inConffiles = false;
        }

        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                Flush();
                continue;
            }
            if (line[0] == ' ' || line[0] == '\t')
            {
                if (inConffiles) AddConffile(conffiles ??= new(StringComparer.Ordinal), line);
                continue;
            }
            inConffiles = false;
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var value = line[(colon + 1)..].Trim();
            switch (line.AsSpan(0, colon))
            {
                case "Package": name = value; break;
                case "Version": version = value; break;
                case "Architecture": architecture = value; break;
                case "Multi-Arch": multiArchSame = value == "same"; break;
                // "install ok installed": want, flag, state.
                case "Status": state = value.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: 3 } words ? words[2] : null; break;
                case "Conffiles": inConffiles = true; break;
            }
        }
        Flush();
        return entries;
    }

    private static readonly Dictionary<string, string?> EmptyConffiles = new(StringComparer.Ordinal);

    /// <summary>" /etc/at.deny 2bd5c6a2f4b7bd1b2f1e8d4bb9a1b7d8 [obsolete|remove-on-upgrade]"; the digest reads
    /// "newconffile" before the package was first configured.</summary>
    private static void AddConffile(Dictionary<string, string?> conffiles, string line)
    {
        var words = line.Trim().Split(' ');
        int end = words.Length;
        if (end > 2 && words[end - 1] is "obsolete" or "remove-on-upgrade") end--;
        if (end < 2) return;
        var digest = words[end - 1];
        var path = string.Join(' ', words, 0, end - 1);
        conffiles[path] = digest.Length == 32 ? digest.ToLowerInvariant() : null;
    }
}
