namespace Diag.Linux.Packages.Dpkg;

/// <summary>Reads dpkg's database: the packages of <c>status</c> and the paths of each one's <c>info/NAME[:ARCH].list</c>
/// (read in parallel: hundreds of small files).</summary>
internal static class DpkgDatabase
{
    /// <summary>Appends each package with files and its listed paths to <paramref name="packages"/> and <paramref name="lists"/>.</summary>
    public static void Read(string directory, List<InstalledPackage> packages, List<byte[]> lists)
    {
        var info = Path.Combine(directory, "info");
        var entries = DpkgStatusFile.Parse(File.ReadAllText(Path.Combine(directory, "status")));
        var listFiles = new HashSet<string>(Directory.EnumerateFiles(info, "*.list").Select(Path.GetFileName)!, StringComparer.Ordinal);

        var found = new List<(DpkgPackage Package, string ListFile)>(entries.Count);
        foreach (var e in entries)
        {
            var archName = e.Name + ":" + e.Architecture;
            // Multi-Arch: same packages keep NAME:ARCH files; a foreign-architecture package may too.
            var infoName = listFiles.Contains(archName + ".list") ? archName : listFiles.Contains(e.Name + ".list") ? e.Name : null;
            if (infoName is null && e.Conffiles.Count == 0) continue;
            found.Add((new DpkgPackage(e.Name, e.Version, e.Architecture, e.State, infoName ?? e.Name, info, e.Conffiles),
                infoName is null ? "" : Path.Combine(info, infoName + ".list")));
        }

        var read = new byte[found.Count][];
        Parallel.For(0, found.Count, i => read[i] = ReadList(found[i].ListFile, found[i].Package));
        foreach (var (package, _) in found) packages.Add(package);
        lists.AddRange(read);
    }

    /// <summary>The bytes of one .list (a path per line: "/." for the root first, then directories and files), or a
    /// config-files package's conffiles when it has no list left.</summary>
    private static byte[] ReadList(string file, DpkgPackage package)
    {
        if (file.Length > 0)
        {
            try
            {
                return File.ReadAllBytes(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return System.Text.Encoding.UTF8.GetBytes(string.Join('\n', package.Conffiles));
    }
}
