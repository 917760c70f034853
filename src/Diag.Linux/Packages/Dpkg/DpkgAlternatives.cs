namespace Diag.Linux.Packages.Dpkg;

/// <summary>One alternative of update-alternatives: its name, the link it manages (master or slave), the mode and
/// the path it points to now (through /etc/alternatives/NAME).</summary>
internal sealed record DpkgAlternative(string Name, string Link, bool IsManual, string? CurrentTarget);

/// <summary>
/// update-alternatives' database (<c>/var/lib/dpkg/alternatives/NAME</c>: the mode, the master link, slave name/link
/// pairs up to a blank line, then the choices) and its links (<c>/etc/alternatives/NAME</c>). A managed link such as
/// /usr/bin/editor is listed by no package: this is what owns it.
/// </summary>
internal static class DpkgAlternatives
{
    public const string LinkDirectory = "/etc/alternatives/";

    /// <summary>The alternative a link in /etc/alternatives belongs to: for a slave link the file names its master.</summary>
    /// <param name="root">The machine's root ("/" or a fixture).</param>
    /// <param name="adminDirectory">dpkg's alternatives directory under that root.</param>
    /// <param name="linkName">The file name in /etc/alternatives the link points at.</param>
    /// <param name="link">The managed link (the path looked up).</param>
    public static DpkgAlternative? Find(string root, string adminDirectory, string linkName, string link)
    {
        var current = ReadLink(Path.Combine(root, LinkDirectory.TrimStart('/'), linkName));
        // A slave's name (editor.1.gz) has no admin file of its own: its master's file lists it.
        foreach (var file in CandidateFiles(adminDirectory, linkName))
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (lines.Length < 2) continue;
            var master = Path.GetFileName(file);
            if (master == linkName) return new DpkgAlternative(master, lines[1], lines[0] == "manual", current);
            for (int i = 2; i + 1 < lines.Length && lines[i].Length > 0; i += 2)
                if (lines[i] == linkName) return new DpkgAlternative(master, lines[i + 1], lines[0] == "manual", current);
        }
        return current is null ? null : new DpkgAlternative(linkName, link, false, current);
    }

    private static IEnumerable<string> CandidateFiles(string adminDirectory, string linkName)
    {
        var own = Path.Combine(adminDirectory, linkName);
        if (File.Exists(own))
        {
            yield return own;
            yield break;
        }
        // editor.1.gz -> editor; x86_64-linux-gnu_libblas.so.3 has its own file.
        string[] all;
        try
        {
            all = Directory.GetFiles(adminDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var file in all.Where(f => linkName.StartsWith(Path.GetFileName(f), StringComparison.Ordinal)))
            yield return file;
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
