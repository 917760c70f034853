namespace Diag.Linux.Packages.Rpm;

/// <summary>RPM's database since 4.16: <c>/var/lib/rpm/rpmdb.sqlite</c>, table Packages(hnum, blob), one header per
/// row, read natively (<see cref="SqliteFile"/>). The older Berkeley DB and NDB formats are not read.</summary>
internal static class RpmDatabase
{
    public const string RelativePath = "var/lib/rpm/rpmdb.sqlite";

    /// <summary>Appends each package and its paths.</summary>
    public static void Read(string file, List<InstalledPackage> packages, List<byte[]> lists)
    {
        using var db = new SqliteFile(file);
        var root = db.TableRoot("Packages") ?? throw new InvalidDataException($"{file} has no Packages table.");
        foreach (var (_, record) in db.Rows(root))
        {
            var columns = SqliteFile.Record(record);
            if (columns.Count < 2 || columns[1] is not byte[] blob) continue;
            if (RpmPackage.From(new RpmHeader(blob)) is not { } package) continue;
            packages.Add(package);
            lists.Add(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', package.Paths)));
        }
    }
}
